using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>CONNACK golden vectors, written by hand from 5.0 §3.2 and 3.1.1 §3.2.</summary>
public class ConnAckVectors
{
    [Fact] // 3.1.1 §3.2.2.2 Session Present [MQTT-3.2.2-2], §3.2.2.3 return code 0
    public void AcceptedSessionPresent_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x20,       // CONNACK
            0x02,       // Remaining Length 2
            0x01,       // Connect Acknowledge Flags: Session Present
            0x00,       // Connect Return Code 0: accepted
        ];
        var packet = new ConnAckPacket { SessionPresent = true, ReturnCode = ConnectReturnCode.Accepted };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
    }

    [Fact] // 3.1.1 §3.2.2.3 Table 3.1; Session Present 0 with a refusal [MQTT-3.2.2-4]
    public void RefusedNotAuthorized_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x20,       // CONNACK
            0x02,       // Remaining Length 2
            0x00,       // Connect Acknowledge Flags: none
            0x05,       // Connect Return Code 5: not authorized
        ];
        var packet = new ConnAckPacket { ReturnCode = ConnectReturnCode.NotAuthorized };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
        Assert.Equal((MqttReasonCode)0x05, packet.ReasonCode); // one byte, two views
    }

    [Fact] // 5.0 §3.2.2.3: no properties is still a Property Length of 0
    public void Success_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x20,       // CONNACK
            0x03,       // Remaining Length 3
            0x00,       // Connect Acknowledge Flags: none
            0x00,       // Reason Code 0x00 Success
            0x00,       // Property Length 0
        ];
        Codec.AssertGolden(new ConnAckPacket(), MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.2.2.3.2 … §3.2.2.3.18: every one of the 17 CONNACK properties
    public void EveryProperty_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x20,                               // CONNACK
            0x41,                               // Remaining Length 65
            0x01,                               // Connect Acknowledge Flags: Session Present
            0x00,                               // Reason Code 0x00 Success
            0x3E,                               // Property Length 62
            0x11, 0x00, 0x00, 0x00, 0x3C,       //   Session Expiry Interval 60 s
            0x21, 0x00, 0x0A,                   //   Receive Maximum 10
            0x24, 0x01,                         //   Maximum QoS 1
            0x25, 0x00,                         //   Retain Available 0
            0x27, 0x00, 0x01, 0x00, 0x00,       //   Maximum Packet Size 65,536
            0x12, 0x00, 0x02, 0x61, 0x62,       //   Assigned Client Identifier "ab"
            0x22, 0x00, 0x05,                   //   Topic Alias Maximum 5
            0x1F, 0x00, 0x02, 0x6F, 0x6B,       //   Reason String "ok"
            0x26, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76, // User Property k=v
            0x28, 0x00,                         //   Wildcard Subscription Available 0
            0x29, 0x01,                         //   Subscription Identifiers Available 1
            0x2A, 0x00,                         //   Shared Subscription Available 0
            0x13, 0x00, 0x1E,                   //   Server Keep Alive 30 s
            0x1A, 0x00, 0x01, 0x72,             //   Response Information "r"
            0x1C, 0x00, 0x01, 0x73,             //   Server Reference "s"
            0x15, 0x00, 0x01, 0x6D,             //   Authentication Method "m"
            0x16, 0x00, 0x01, 0x64,             //   Authentication Data 64
        ];
        var packet = new ConnAckPacket
        {
            SessionPresent = true,
            Properties = new ConnAckProperties
            {
                SessionExpiryInterval = 60,
                ReceiveMaximum = 10,
                MaximumQoS = MqttQos.AtLeastOnce,
                RetainAvailable = false,
                MaximumPacketSize = 65_536,
                AssignedClientIdentifier = "ab",
                TopicAliasMaximum = 5,
                ReasonString = "ok",
                UserProperties = new UserProperty[] { new("k", "v") },
                WildcardSubscriptionAvailable = false,
                SubscriptionIdentifierAvailable = true,
                SharedSubscriptionAvailable = false,
                ServerKeepAlive = 30,
                ResponseInformation = "r",
                ServerReference = "s",
                AuthenticationMethod = "m",
                AuthenticationData = new byte[] { 0x64 },
            },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.2.2.2 Table 3-1 0x9C Use another server, §3.2.2.3.16 Server Reference
    public void UseAnotherServer_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x20,                               // CONNACK
            0x08,                               // Remaining Length 8
            0x00,                               // Connect Acknowledge Flags: none [MQTT-3.2.2-6]
            0x9C,                               // Reason Code 0x9C Use another server
            0x05,                               // Property Length 5
            0x1C, 0x00, 0x02, 0x73, 0x32,       //   Server Reference "s2"
        ];
        var packet = new ConnAckPacket
        {
            ReasonCode = MqttReasonCode.UseAnotherServer,
            Properties = new ConnAckProperties { ServerReference = "s2" },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }
}
