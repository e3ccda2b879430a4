using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>UNSUBSCRIBE golden vectors, written by hand from 5.0 §3.10 and 3.1.1 §3.10.</summary>
public class UnsubscribeVectors
{
    [Fact] // 3.1.1 §3.10.1 (flags 0010 [MQTT-3.10.1-1]), §3.10.3; a 2-byte UTF-8 character in a filter
    public void TwoFilters_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xA2,                               // UNSUBSCRIBE, reserved flags 0010
            0x0D,                               // Remaining Length 13 = 2 + 5 + 6
            0x00, 0x02,                         // Packet Identifier 2
            0x00, 0x03, 0x61, 0x2F, 0x62,       // Topic Filter "a/b"
            0x00, 0x04, 0xC3, 0xA9, 0x2F, 0x2B, // Topic Filter "é/+" (é = C3 A9)
        ];
        var packet = new UnsubscribePacket { PacketIdentifier = 2, TopicFilters = new MqttString[] { "a/b", "é/+" } };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
    }

    [Fact] // 5.0 §3.10.2.1: User Property is the only UNSUBSCRIBE property
    public void UserProperty_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xA2,                               // UNSUBSCRIBE
            0x0F,                               // Remaining Length 15 = 2 + 1 + 7 + 5
            0x00, 0x03,                         // Packet Identifier 3
            0x07,                               // Property Length 7
            0x26, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76, // User Property k=v
            0x00, 0x03, 0x78, 0x2F, 0x2B,       // Topic Filter "x/+"
        ];
        var packet = new UnsubscribePacket
        {
            PacketIdentifier = 3,
            UserProperties = new UserProperty[] { new("k", "v") },
            TopicFilters = new MqttString[] { "x/+" },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }
}
