using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>UNSUBACK golden vectors, written by hand from 5.0 §3.11 and 3.1.1 §3.11.</summary>
public class UnsubAckVectors
{
    [Fact] // 3.1.1 §3.11: the packet identifier only, Remaining Length 2
    public void PacketIdentifierOnly_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xB0,                               // UNSUBACK
            0x02,                               // Remaining Length 2
            0x00, 0x03,                         // Packet Identifier 3
        ];
        Codec.AssertGolden(new UnsubAckPacket { PacketIdentifier = 3 }, MqttProtocolVersion.V311, wire);
    }

    [Fact] // 5.0 §3.11.2 (properties), §3.11.3 (Table 3-9, one code per filter [MQTT-3.11.3-1])
    public void TwoReasonCodes_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xB0,                               // UNSUBACK
            0x05,                               // Remaining Length 5 = 2 + 1 + 2
            0x00, 0x03,                         // Packet Identifier 3
            0x00,                               // Property Length 0
            0x00,                               // Success
            0x11,                               // No subscription existed
        ];
        var packet = new UnsubAckPacket
        {
            PacketIdentifier = 3,
            ReasonCodes = new[] { MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.11.2.1.2: User Properties in an UNSUBACK
    public void UserProperty_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xB0,                               // UNSUBACK
            0x0B,                               // Remaining Length 11 = 2 + 1 + 7 + 1
            0xFF, 0xFF,                         // Packet Identifier 65,535
            0x07,                               // Property Length 7
            0x26, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76, // User Property k=v
            0x87,                               // Not authorized
        ];
        var packet = new UnsubAckPacket
        {
            PacketIdentifier = ushort.MaxValue,
            Properties = new AckProperties { UserProperties = new UserProperty[] { new("k", "v") } },
            ReasonCodes = new[] { MqttReasonCode.NotAuthorized },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }
}
