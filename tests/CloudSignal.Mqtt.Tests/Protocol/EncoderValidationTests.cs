using System.Buffers;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Tests.Protocol;

/// <summary>The encoder refuses what the decoder would refuse: we never put a bad packet on the wire.</summary>
public class EncoderValidationTests
{
    private static MqttReasonCode Rejection<TPacket>(TPacket packet, MqttProtocolVersion version = MqttProtocolVersion.V500)
        where TPacket : IMqttPacket
    {
        var output = new ArrayBufferWriter<byte>();
        var ex = Assert.Throws<MqttProtocolException>(() => PacketEncoder.Write(output, packet, version));
        Assert.Equal(0, output.WrittenCount); // validation happens before the first byte
        return ex.ReasonCode;
    }

    [Theory] // [MQTT-3.3.2-2]
    [InlineData("a/+")]
    [InlineData("#")]
    public void TopicWithWildcard_Encoded_TopicNameInvalid(string topic) =>
        Assert.Equal(MqttReasonCode.TopicNameInvalid, Rejection(new PublishPacket { TopicName = topic }));

    // Built from char codes: xunit's theory serialisation would replace a lone surrogate with U+FFFD.
    [Fact] // [MQTT-1.5.4-1] no surrogate code points
    public void TopicWithLoneHighSurrogate_Encoded_Malformed() =>
        Assert.Equal(MqttReasonCode.MalformedPacket, Rejection(new PublishPacket { TopicName = "a" + (char)0xD800 }, MqttProtocolVersion.V311));

    [Fact] // [MQTT-1.5.4-1]
    public void TopicWithLoneLowSurrogate_Encoded_Malformed() =>
        Assert.Equal(MqttReasonCode.MalformedPacket, Rejection(new PublishPacket { TopicName = (char)0xDC00 + "b" }));

    [Fact] // [MQTT-1.5.4-2] no U+0000
    public void TopicWithNullCharacter_Encoded_Malformed() =>
        Assert.Equal(MqttReasonCode.MalformedPacket, Rejection(new PublishPacket { TopicName = "a\0b" }));

    [Fact] // 5.0 §1.5.4: a string is at most 65,535 bytes
    public void TopicLongerThan65535Bytes_Encoded_Malformed() =>
        Assert.Equal(MqttReasonCode.MalformedPacket, Rejection(new PublishPacket { TopicName = new string('a', 65_536) }));

    [Fact] // [MQTT-2.3.1-1]
    public void QoS1WithoutPacketIdentifier_Encoded_ProtocolError() =>
        Assert.Equal(MqttReasonCode.ProtocolError, Rejection(new PublishPacket { TopicName = "t", Qos = MqttQos.AtLeastOnce }));

    [Fact] // [MQTT-3.3.1-2]
    public void DupOnQoS0_Encoded_Malformed() =>
        Assert.Equal(MqttReasonCode.MalformedPacket, Rejection(new PublishPacket { TopicName = "t", Dup = true }));

    [Fact] // [MQTT-3.3.1-4]
    public void QoS3_Encoded_Malformed() =>
        Assert.Equal(MqttReasonCode.MalformedPacket, Rejection(new PublishPacket { TopicName = "t", Qos = (MqttQos)3, PacketIdentifier = 1 }));

    [Fact] // 5.0 §3.3.2.3.4
    public void EmptyTopicWithoutAlias_Encoded_ProtocolError() =>
        Assert.Equal(MqttReasonCode.ProtocolError, Rejection(new PublishPacket { TopicName = string.Empty }));

    [Fact] // 5.0 §3.3.2.3.4: an empty topic is fine when a Topic Alias names it
    public void EmptyTopicWithAlias_Encoded_Succeeds()
    {
        var packet = new PublishPacket { TopicName = string.Empty, Properties = new PublishPacketProperties { TopicAlias = 3 } };
        Assert.Equal(packet, Infrastructure.Codec.Decode(Infrastructure.Codec.Encode(packet, MqttProtocolVersion.V500), MqttProtocolVersion.V500));
    }

    [Fact]
    public void PropertiesOnV311Publish_Encoded_ProtocolError() =>
        Assert.Equal(MqttReasonCode.ProtocolError, Rejection(
            new PublishPacket { TopicName = "t", Properties = new PublishPacketProperties { ContentType = "text/plain" } }, MqttProtocolVersion.V311));

    [Fact] // 3.1.1 PUBACK has no reason code
    public void ReasonCodeOnV311PubAck_Encoded_ProtocolError() =>
        Assert.Equal(MqttReasonCode.ProtocolError, Rejection(new PubAckPacket(1, MqttReasonCode.QuotaExceeded), MqttProtocolVersion.V311));

    [Fact] // Table 3-4: 0x92 is not a PUBACK code
    public void PubRelOnlyCodeOnPubAck_Encoded_ProtocolError() =>
        Assert.Equal(MqttReasonCode.ProtocolError, Rejection(new PubAckPacket(1, MqttReasonCode.PacketIdentifierNotFound)));

    [Fact]
    public void PubAckWithPacketIdentifier0_Encoded_ProtocolError() =>
        Assert.Equal(MqttReasonCode.ProtocolError, Rejection(new PubAckPacket(0)));

    [Fact] // [MQTT-3.3.2-14]
    public void ResponseTopicWithWildcard_Encoded_TopicNameInvalid() =>
        Assert.Equal(MqttReasonCode.TopicNameInvalid, Rejection(
            new PublishPacket { TopicName = "t", Properties = new PublishPacketProperties { ResponseTopic = "reply/#" } }));

    [Fact] // 5.0 §3.3.2.3.8
    public void SubscriptionIdentifier0_Encoded_ProtocolError() =>
        Assert.Equal(MqttReasonCode.ProtocolError, Rejection(
            new PublishPacket { TopicName = "t", Properties = new PublishPacketProperties { SubscriptionIdentifiers = new uint[] { 0 } } }));

    [Fact] // 5.0 §3.3.2.3.4
    public void TopicAlias0_Encoded_ProtocolError() =>
        Assert.Equal(MqttReasonCode.ProtocolError, Rejection(
            new PublishPacket { TopicName = "t", Properties = new PublishPacketProperties { TopicAlias = 0 } }));

    [Fact] // 5.0 §1.5.7: user property strings follow the UTF-8 rules too
    public void UserPropertyWithLoneSurrogate_Encoded_Malformed() =>
        Assert.Equal(MqttReasonCode.MalformedPacket, Rejection(
            new PublishPacket { TopicName = "t", Properties = new PublishPacketProperties { UserProperties = new UserProperty[] { new("k", ((char)0xD83D).ToString()) } } }));

    [Fact] // 5.0 §1.5.6: binary data is at most 65,535 bytes
    public void CorrelationDataAbove65535Bytes_Encoded_Malformed() =>
        Assert.Equal(MqttReasonCode.MalformedPacket, Rejection(
            new PublishPacket { TopicName = "t", Properties = new PublishPacketProperties { CorrelationData = new byte[65_536] } }));
}
