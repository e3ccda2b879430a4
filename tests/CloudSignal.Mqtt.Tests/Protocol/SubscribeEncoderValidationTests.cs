using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol;

/// <summary>SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK: the encoder refuses what the decoder refuses.</summary>
public class SubscribeEncoderValidationTests
{
    private static readonly SubscriptionOptionFlags Qos1 = new() { MaximumQos = MqttQos.AtLeastOnce };

    private static MqttReasonCode Rejection<TPacket>(TPacket packet, MqttProtocolVersion version)
        where TPacket : IMqttPacket
    {
        var output = new ArrayBufferWriter<byte>();
        var ex = Assert.Throws<MqttProtocolException>(() => PacketEncoder.Write(output, packet, version));
        Assert.Equal(0, output.WrittenCount); // validation happens before the first byte
        return ex.ReasonCode;
    }

    private static SubscribePacket Subscribe(string filter, SubscriptionOptionFlags options = default) =>
        new() { PacketIdentifier = 1, Subscriptions = new Subscription[] { new(filter, options) } };

    [Theory] // [MQTT-3.8.3-3] (3.1.1), [MQTT-3.8.3-2] (5.0)
    [InlineData(V311)]
    [InlineData(V500)]
    public void SubscribeWithoutFilters_Encoded_ProtocolError(MqttProtocolVersion version) =>
        Assert.Equal(ProtocolError, Rejection(new SubscribePacket { PacketIdentifier = 1 }, version));

    [Fact] // [MQTT-2.3.1-1]
    public void SubscribeWithPacketIdentifier0_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(Subscribe("a") with { PacketIdentifier = 0 }, V311));

    [Theory] // [MQTT-4.7.3-1], [MQTT-4.7.1-1..3], [MQTT-4.8.2-1], [MQTT-4.8.2-2]
    [InlineData("", V311)]
    [InlineData("a/#/b", V311)]
    [InlineData("a/b#", V500)]
    [InlineData("a+/b", V311)]
    [InlineData("a/+b", V500)]
    [InlineData("$share/g", V500)]
    [InlineData("$share//a", V500)]
    [InlineData("$share/#/a", V500)]
    [InlineData("$share/g/", V500)]
    public void SubscribeWithInvalidFilter_Encoded_TopicFilterInvalid(string filter, MqttProtocolVersion version) =>
        Assert.Equal(TopicFilterInvalid, Rejection(Subscribe(filter), version));

    [Fact] // [MQTT-1.5.4-2]
    public void SubscribeFilterWithNullCharacter_Encoded_Malformed() =>
        Assert.Equal(MalformedPacket, Rejection(Subscribe("a\0"), V500));

    [Fact] // 3.1.1 [MQTT-3.8.3-4]
    public void SubscribeQos3_V311_Malformed() =>
        Assert.Equal(MalformedPacket, Rejection(Subscribe("a", new SubscriptionOptionFlags { MaximumQos = (MqttQos)3 }), V311));

    [Fact] // 5.0 §3.8.3.1
    public void SubscribeQos3_V500_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(Subscribe("a", new SubscriptionOptionFlags { MaximumQos = (MqttQos)3 }), V500));

    [Fact] // 5.0 §3.8.3.1
    public void SubscribeRetainHandling3_V500_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(Subscribe("a", new SubscriptionOptionFlags { RetainHandling = (RetainHandling)3 }), V500));

    [Fact] // [MQTT-3.8.3-4] (5.0)
    public void SubscribeNoLocalOnSharedSubscription_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(Subscribe("$share/g/a", new SubscriptionOptionFlags { NoLocal = true }), V500));

    [Theory] // 3.1.1 has only the Requested QoS
    [InlineData(true, false, 0)]
    [InlineData(false, true, 0)]
    [InlineData(false, false, 2)]
    public void SubscribeV500Options_V311_ProtocolError(bool noLocal, bool retainAsPublished, byte retainHandling) =>
        Assert.Equal(ProtocolError, Rejection(
            Subscribe("a", new SubscriptionOptionFlags { NoLocal = noLocal, RetainAsPublished = retainAsPublished, RetainHandling = (RetainHandling)retainHandling }), V311));

    [Fact] // 3.1.1 has no properties
    public void SubscribeProperties_V311_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(Subscribe("a") with { Properties = new SubscribeProperties { SubscriptionIdentifier = 1 } }, V311));

    [Theory] // 5.0 §3.8.2.1.2: 1 … 268,435,455
    [InlineData(0u)]
    [InlineData(268_435_456u)]
    public void SubscriptionIdentifierOutOfRange_Encoded_ProtocolError(uint id) =>
        Assert.Equal(ProtocolError, Rejection(Subscribe("a") with { Properties = new SubscribeProperties { SubscriptionIdentifier = id } }, V500));

    [Fact] // 3.1.1: "$share/g" is an ordinary filter, and No Local does not exist there
    public void SharePrefixWithoutFilter_V311_Encodes() =>
        Assert.NotEmpty(Infrastructure.Codec.Encode(Subscribe("$share/g", Qos1), V311));

    [Theory] // one code per filter, and there is always at least one filter
    [InlineData(V311)]
    [InlineData(V500)]
    public void SubAckWithoutCodes_Encoded_ProtocolError(MqttProtocolVersion version) =>
        Assert.Equal(ProtocolError, Rejection(new SubAckPacket { PacketIdentifier = 1 }, version));

    [Theory] // 3.1.1 [MQTT-3.9.3-2]; 5.0 Table 3-8
    [InlineData(V311, 0x03)]
    [InlineData(V311, 0x87)]
    [InlineData(V500, 0x03)]
    [InlineData(V500, 0x11)]
    public void SubAckCodeNotInTable_Encoded_ProtocolError(MqttProtocolVersion version, byte code) =>
        Assert.Equal(ProtocolError, Rejection(new SubAckPacket { PacketIdentifier = 1, ReasonCodes = new[] { (MqttReasonCode)code } }, version));

    [Fact]
    public void SubAckWithPacketIdentifier0_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new SubAckPacket { ReasonCodes = new[] { GrantedQoS0 } }, V500));

    [Fact] // 3.1.1 has no properties
    public void SubAckReasonString_V311_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(
            new SubAckPacket { PacketIdentifier = 1, ReasonCodes = new[] { GrantedQoS0 }, Properties = new AckProperties { ReasonString = "x" } }, V311));

    [Theory] // [MQTT-3.10.3-2]
    [InlineData(V311)]
    [InlineData(V500)]
    public void UnsubscribeWithoutFilters_Encoded_ProtocolError(MqttProtocolVersion version) =>
        Assert.Equal(ProtocolError, Rejection(new UnsubscribePacket { PacketIdentifier = 1 }, version));

    [Theory] // [MQTT-4.7.3-1], [MQTT-4.7.1-2]
    [InlineData("")]
    [InlineData("#/a")]
    public void UnsubscribeWithInvalidFilter_Encoded_TopicFilterInvalid(string filter) =>
        Assert.Equal(TopicFilterInvalid, Rejection(new UnsubscribePacket { PacketIdentifier = 1, TopicFilters = new MqttString[] { "a", filter } }, V311));

    [Fact] // 3.1.1 has no properties
    public void UnsubscribeUserProperties_V311_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(
            new UnsubscribePacket { PacketIdentifier = 1, TopicFilters = new MqttString[] { "a" }, UserProperties = new UserProperty[] { new("k", "v") } }, V311));

    [Fact] // 3.1.1 §3.11: the packet identifier only
    public void UnsubAckReasonCodes_V311_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new UnsubAckPacket { PacketIdentifier = 1, ReasonCodes = new[] { Success } }, V311));

    [Fact] // [MQTT-3.11.3-2]
    public void UnsubAckWithoutCodes_V500_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new UnsubAckPacket { PacketIdentifier = 1 }, V500));

    [Fact] // [MQTT-3.11.3-2], Table 3-9
    public void UnsubAckCodeNotInTable_V500_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new UnsubAckPacket { PacketIdentifier = 1, ReasonCodes = new[] { GrantedQoS1 } }, V500));

    [Fact]
    public void UnsubAckWithPacketIdentifier0_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new UnsubAckPacket(), V311));

    [Fact] // encoding these packets validates everything without allocating
    public void ValidPackets_EncodedWarm_DoNotAllocate()
    {
        var subscribe = new SubscribePacket
        {
            PacketIdentifier = 9,
            Properties = new SubscribeProperties { SubscriptionIdentifier = 300, UserProperties = new UserProperty[] { new("k", "v") } },
            Subscriptions = new Subscription[] { new("a/+/c", Qos1), new("$share/g/#", new SubscriptionOptionFlags { RetainHandling = RetainHandling.DoNotSend }) },
        };
        var subAck = new SubAckPacket { PacketIdentifier = 9, ReasonCodes = new[] { GrantedQoS1, GrantedQoS0 } };
        var unsubscribe = new UnsubscribePacket { PacketIdentifier = 9, TopicFilters = new MqttString[] { "a/+/c", "é/#" } };
        var unsubAck = new UnsubAckPacket { PacketIdentifier = 9, ReasonCodes = new[] { Success, NoSubscriptionExisted } };
        var output = new ArrayBufferWriter<byte>(4096);

        void EncodeAll()
        {
            output.ResetWrittenCount();
            PacketEncoder.Write(output, subscribe, V500);
            PacketEncoder.Write(output, subAck, V500);
            PacketEncoder.Write(output, unsubscribe, V500);
            PacketEncoder.Write(output, unsubAck, V500);
        }

        EncodeAll();
        long before = GC.GetAllocatedBytesForCurrentThread();
        EncodeAll();
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
