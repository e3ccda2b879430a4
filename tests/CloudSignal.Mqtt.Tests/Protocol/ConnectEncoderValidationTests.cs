using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol;

/// <summary>CONNECT and CONNACK: the encoder refuses what the decoder would refuse, and allocates nothing.</summary>
public class ConnectEncoderValidationTests
{
    private static readonly ConnectPacket V311Connect = new() { ProtocolVersion = V311, CleanStart = true, ClientId = "c" };
    private static readonly ConnectPacket V500Connect = new() { ProtocolVersion = V500, CleanStart = true, ClientId = "c" };

    [Fact] // 3.1.1 [MQTT-3.1.2-22]
    public void PasswordWithoutUserName_V311Encoded_Malformed() =>
        Assert.Equal(MalformedPacket, Rejection(V311Connect with { Password = new byte[] { 1 } }, V311));

    [Fact] // 5.0 §3.1.2.9 dropped [MQTT-3.1.2-22]: a password alone is fine
    public void PasswordWithoutUserName_V500Encoded_Succeeds() =>
        Assert.NotEmpty(Codec.Encode(V500Connect with { Password = new byte[] { 1 } }, V500));

    [Fact] // 3.1.1 [MQTT-3.1.3-7]
    public void EmptyClientIdWithoutCleanSession_V311Encoded_ClientIdentifierNotValid() =>
        Assert.Equal(ClientIdentifierNotValid, Rejection(V311Connect with { ClientId = string.Empty, CleanStart = false }, V311));

    [Fact] // 5.0 §3.1.3.1: the server decides; the packet itself is valid
    public void EmptyClientIdWithoutCleanStart_V500Encoded_Succeeds() =>
        Assert.NotEmpty(Codec.Encode(V500Connect with { ClientId = string.Empty, CleanStart = false }, V500));

    [Fact] // 3.1.1 has no CONNECT properties
    public void ConnectProperties_V311Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(V311Connect with { Properties = new ConnectProperties { SessionExpiryInterval = 1 } }, V311));

    [Fact] // 3.1.1 has no will properties
    public void WillProperties_V311Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(V311Connect with { Will = Will("t") with { Properties = new WillProperties { WillDelayInterval = 1 } } }, V311));

    [Theory] // [MQTT-3.3.2-2]: the Will Topic is a Topic Name
    [InlineData("a/#")]
    [InlineData("+")]
    public void WillTopicWithWildcard_Encoded_TopicNameInvalid(string topic) =>
        Assert.Equal(TopicNameInvalid, Rejection(V500Connect with { Will = Will(topic) }, V500));

    [Fact] // [MQTT-4.7.3-1]
    public void EmptyWillTopic_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(V311Connect with { Will = Will(string.Empty) }, V311));

    [Fact] // 3.1.1 [MQTT-3.1.2-14], 5.0 [MQTT-3.1.2-12]
    public void WillQoS3_Encoded_Malformed() =>
        Assert.Equal(MalformedPacket, Rejection(V500Connect with { Will = Will("t") with { Qos = (MqttQos)3 } }, V500));

    [Fact] // [MQTT-3.3.2-14]
    public void WillResponseTopicWithWildcard_Encoded_TopicNameInvalid() =>
        Assert.Equal(TopicNameInvalid, Rejection(V500Connect with { Will = Will("t") with { Properties = new WillProperties { ResponseTopic = "a/+" } } }, V500));

    [Fact] // 5.0 §3.1.3.2.3
    public void WillPayloadFormatIndicator2_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(V500Connect with { Will = Will("t") with { Properties = new WillProperties { PayloadFormatIndicator = 2 } } }, V500));

    [Fact] // 5.0 §1.5.6: binary data is at most 65,535 bytes
    public void WillPayloadOf65536Bytes_Encoded_Malformed() =>
        Assert.Equal(MalformedPacket, Rejection(V500Connect with { Will = Will("t") with { Payload = new byte[65_536] } }, V500));

    [Fact] // 5.0 §3.1.2.11.3
    public void ReceiveMaximum0_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(V500Connect with { Properties = new ConnectProperties { ReceiveMaximum = 0 } }, V500));

    [Fact] // 5.0 §3.1.2.11.4
    public void MaximumPacketSize0_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(V500Connect with { Properties = new ConnectProperties { MaximumPacketSize = 0 } }, V500));

    [Fact] // 5.0 §3.1.2.11.10
    public void AuthenticationDataWithoutMethod_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(V500Connect with { Properties = new ConnectProperties { AuthenticationData = new byte[] { 1 } } }, V500));

    [Fact] // [MQTT-1.5.4-2]
    public void UserNameWithNullCharacter_Encoded_Malformed() =>
        Assert.Equal(MalformedPacket, Rejection(V311Connect with { UserName = "a\0" }, V311));

    [Fact] // CONNECT encodes with its own level, and the connection must agree
    public void LevelDisagreesWithConnection_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(V311Connect, V500));

    [Fact] // [MQTT-3.1.2-2]: only levels 4 and 5 exist here
    public void UnknownLevel_Encoded_UnsupportedProtocolVersion() =>
        Assert.Equal(UnsupportedProtocolVersion, Rejection(V311Connect with { ProtocolVersion = (MqttProtocolVersion)3 }, (MqttProtocolVersion)3));

    [Fact] // 3.1.1 [MQTT-3.2.2-4]
    public void SessionPresentWithRefusal_V311Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new ConnAckPacket { SessionPresent = true, ReturnCode = ConnectReturnCode.ServerUnavailable }, V311));

    [Fact] // 5.0 [MQTT-3.2.2-6]
    public void SessionPresentWithRefusal_V500Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new ConnAckPacket { SessionPresent = true, ReasonCode = NotAuthorized }, V500));

    [Fact] // 3.1.1 Table 3.1: 6–255 are reserved
    public void ReturnCode6_V311Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new ConnAckPacket { ReasonCode = (MqttReasonCode)6 }, V311));

    [Fact] // 3.1.1 has no 5.0 reason codes
    public void V500ReasonCode_V311Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new ConnAckPacket { ReasonCode = NotAuthorized }, V311));

    [Theory] // [MQTT-3.2.2-8]
    [InlineData(0x01)] // a 3.1.1 return code
    [InlineData(0x8B)] // DISCONNECT's Server shutting down
    [InlineData(0x10)] // PUBACK's No matching subscribers
    public void CodeNotInTable_V500Encoded_ProtocolError(byte code) =>
        Assert.Equal(ProtocolError, Rejection(new ConnAckPacket { ReasonCode = (MqttReasonCode)code }, V500));

    [Fact] // 3.1.1 has no CONNACK properties
    public void ConnAckProperties_V311Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new ConnAckPacket { Properties = new ConnAckProperties { ServerKeepAlive = 5 } }, V311));

    [Fact] // 5.0 §3.2.2.3.4: only 0 or 1 may be sent
    public void MaximumQoS2_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new ConnAckPacket { Properties = new ConnAckProperties { MaximumQoS = MqttQos.ExactlyOnce } }, V500));

    [Fact] // 5.0 §3.2.2.3.3
    public void ConnAckReceiveMaximum0_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new ConnAckPacket { Properties = new ConnAckProperties { ReceiveMaximum = 0 } }, V500));

    [Fact] // Encoding writes straight into the caller's buffer: no allocation, even with every field set.
    public void FullPackets_Encoded_AllocateNothing()
    {
        var connect = V500Connect with
        {
            Properties = new ConnectProperties { SessionExpiryInterval = 1, AuthenticationMethod = "m", AuthenticationData = new byte[] { 1 }, UserProperties = new UserProperty[] { new("k", "v") } },
            Will = Will("w") with { Properties = new WillProperties { ContentType = "c", UserProperties = new UserProperty[] { new("a", "b") } } },
            UserName = "u",
            Password = new byte[] { 2 },
        };
        var connAck = new ConnAckPacket { Properties = new ConnAckProperties { ReasonString = "r", MaximumQoS = MqttQos.AtMostOnce, UserProperties = new UserProperty[] { new("k", "v") } } };
        var output = new ArrayBufferWriter<byte>(4096);
        EncodeBoth(output, connect, connAck); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        EncodeBoth(output, connect, connAck);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void EncodeBoth(ArrayBufferWriter<byte> output, in ConnectPacket connect, in ConnAckPacket connAck)
    {
        for (int i = 0; i < 10; i++)
        {
            output.ResetWrittenCount();
            PacketEncoder.Write(output, connect, V500);
            PacketEncoder.Write(output, connAck, V500);
        }
    }

    private static ConnectWill Will(string topic) => new() { Topic = topic, Payload = new byte[] { 0x2A } };

    private static MqttReasonCode Rejection<TPacket>(TPacket packet, MqttProtocolVersion version)
        where TPacket : IMqttPacket
    {
        var output = new ArrayBufferWriter<byte>();
        var ex = Assert.Throws<MqttProtocolException>(() => PacketEncoder.Write(output, packet, version));
        Assert.Equal(0, output.WrittenCount); // validation happens before the first byte
        return ex.ReasonCode;
    }
}
