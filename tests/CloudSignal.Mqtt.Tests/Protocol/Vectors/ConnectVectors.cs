using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>CONNECT golden vectors, written by hand from 5.0 §3.1 and 3.1.1 §3.1.</summary>
public class ConnectVectors
{
    [Fact] // 3.1.1 §3.1.2 variable header, §3.1.3.1 a zero-byte ClientId with Clean Session [MQTT-3.1.3-6]/[MQTT-3.1.3-7]
    public void MinimalEmptyClientId_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x10,                               // CONNECT, flags 0000
            0x0C,                               // Remaining Length 12
            0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, // Protocol Name "MQTT" [MQTT-3.1.2-1]
            0x04,                               // Protocol Level 4
            0x02,                               // Connect Flags: Clean Session
            0x00, 0x3C,                         // Keep Alive 60 s
            0x00, 0x00,                         // Client Identifier "" (payload)
        ];
        var packet = new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V311, CleanStart = true, KeepAlive = 60, ClientId = string.Empty };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
    }

    [Fact] // 3.1.1 §3.1.2.3 flags, §3.1.3 payload order [MQTT-3.1.3-1]
    public void WillUserNamePassword_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x10,                               // CONNECT
            0x1F,                               // Remaining Length 31
            0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, // Protocol Name "MQTT"
            0x04,                               // Protocol Level 4
            0xEC,                               // User Name 1, Password 1, Will Retain 1, Will QoS 01, Will 1, Clean Session 0
            0x00, 0x0A,                         // Keep Alive 10 s
            0x00, 0x02, 0x63, 0x31,             // Client Identifier "c1"
            0x00, 0x03, 0x77, 0x2F, 0x74,       // Will Topic "w/t"
            0x00, 0x03, 0x62, 0x79, 0x65,       // Will Message "bye"
            0x00, 0x01, 0x75,                   // User Name "u"
            0x00, 0x02, 0x70, 0x77,             // Password "pw"
        ];
        var packet = new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V311,
            KeepAlive = 10,
            ClientId = "c1",
            Will = new ConnectWill { Topic = "w/t", Payload = "bye"u8.ToArray(), Qos = MqttQos.AtLeastOnce, Retain = true },
            UserName = "u",
            Password = "pw"u8.ToArray(),
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
    }

    [Fact] // 5.0 §3.1.2.11 CONNECT properties, §3.1.3.2 will properties, §3.1.3.3–3.1.3.6
    public void WillPropertiesUserNamePassword_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x10,                               // CONNECT
            0x61,                               // Remaining Length 97
            0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, // Protocol Name "MQTT"
            0x05,                               // Protocol Level 5
            0xD6,                               // User Name 1, Password 1, Will Retain 0, Will QoS 10, Will 1, Clean Start 1
            0x00, 0x1E,                         // Keep Alive 30 s
            0x1B,                               // Property Length 27
            0x11, 0x00, 0x00, 0x00, 0x78,       //   Session Expiry Interval 120 s
            0x21, 0x00, 0x14,                   //   Receive Maximum 20
            0x27, 0x00, 0x00, 0x04, 0x00,       //   Maximum Packet Size 1024
            0x22, 0x00, 0x0A,                   //   Topic Alias Maximum 10
            0x19, 0x01,                         //   Request Response Information 1
            0x17, 0x00,                         //   Request Problem Information 0
            0x26, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76, // User Property k=v
            0x00, 0x02, 0x69, 0x64,             // Client Identifier "id"
            0x22,                               // Will Property Length 34
            0x18, 0x00, 0x00, 0x00, 0x05,       //   Will Delay Interval 5 s
            0x01, 0x01,                         //   Payload Format Indicator 1 (UTF-8)
            0x02, 0x00, 0x00, 0x0E, 0x10,       //   Message Expiry Interval 3600 s
            0x03, 0x00, 0x03, 0x74, 0x78, 0x74, //   Content Type "txt"
            0x08, 0x00, 0x01, 0x72,             //   Response Topic "r"
            0x09, 0x00, 0x02, 0x01, 0x02,       //   Correlation Data 01 02
            0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x62, // User Property a=b
            0x00, 0x03, 0x74, 0x2F, 0x77,       // Will Topic "t/w"
            0x00, 0x01, 0x78,                   // Will Payload "x"
            0x00, 0x04, 0x75, 0x73, 0x65, 0x72, // User Name "user"
            0x00, 0x04, 0x70, 0x61, 0x73, 0x73, // Password "pass"
        ];
        var packet = new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            CleanStart = true,
            KeepAlive = 30,
            Properties = new ConnectProperties
            {
                SessionExpiryInterval = 120,
                ReceiveMaximum = 20,
                MaximumPacketSize = 1024,
                TopicAliasMaximum = 10,
                RequestResponseInformation = true,
                RequestProblemInformation = false,
                UserProperties = new UserProperty[] { new("k", "v") },
            },
            ClientId = "id",
            Will = new ConnectWill
            {
                Topic = "t/w",
                Payload = "x"u8.ToArray(),
                Qos = MqttQos.ExactlyOnce,
                Properties = new WillProperties
                {
                    WillDelayInterval = 5,
                    PayloadFormatIndicator = 1,
                    MessageExpiryInterval = 3600,
                    ContentType = "txt",
                    ResponseTopic = "r",
                    CorrelationData = new byte[] { 0x01, 0x02 },
                    UserProperties = new UserProperty[] { new("a", "b") },
                },
            },
            UserName = "user",
            Password = "pass"u8.ToArray(),
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.1.2.11.9–10 enhanced authentication; §3.1.2.9 a password without a user name
    public void AuthenticationMethodAndDataPasswordOnly_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x10,                               // CONNECT
            0x24,                               // Remaining Length 36
            0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, // Protocol Name "MQTT"
            0x05,                               // Protocol Level 5
            0x42,                               // Password 1, Clean Start 1 (no User Name: allowed in 5.0)
            0x00, 0x00,                         // Keep Alive 0: off
            0x13,                               // Property Length 19
            0x15, 0x00, 0x0B,                   //   Authentication Method, 11 bytes:
            0x53, 0x43, 0x52, 0x41, 0x4D, 0x2D, 0x53, 0x48, 0x41, 0x2D, 0x31, // "SCRAM-SHA-1"
            0x16, 0x00, 0x02, 0xAB, 0xCD,       //   Authentication Data AB CD
            0x00, 0x01, 0x63,                   // Client Identifier "c"
            0x00, 0x01, 0x01,                   // Password 01
        ];
        var packet = new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            CleanStart = true,
            Properties = new ConnectProperties { AuthenticationMethod = "SCRAM-SHA-1", AuthenticationData = new byte[] { 0xAB, 0xCD } },
            ClientId = "c",
            Password = new byte[] { 0x01 },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Theory] // CONNECT names its own level: a server decodes it before it knows the version
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void V311Connect_DecodedOnEitherConnection_ReportsLevel4(MqttProtocolVersion connection)
    {
        byte[] wire = [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00];
        var packet = Assert.IsType<ConnectPacket>(Codec.Decode(wire, connection));
        Assert.Equal(MqttProtocolVersion.V311, packet.ProtocolVersion);
    }

    [Fact] // 5.0 §3.1.2.11: an empty property block is one 00 byte
    public void V500Connect_DecodedOn311Connection_ReadsProperties()
    {
        byte[] wire = [0x10, 0x0E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x78];
        var packet = Assert.IsType<ConnectPacket>(Codec.Decode(wire, MqttProtocolVersion.V311));
        Assert.Equal(new ConnectPacket { ProtocolVersion = MqttProtocolVersion.V500, ClientId = "x" }, packet);
    }
}
