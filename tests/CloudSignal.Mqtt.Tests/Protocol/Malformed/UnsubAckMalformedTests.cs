using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>UNSUBACK violations (5.0 §3.11, 3.1.1 §3.11).</summary>
public class UnsubAckMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        { "3.1.1 byte after the packet identifier (Remaining Length must be 2, 3.1.1 §3.11.1)", "B0 03 00 01 00", V311, MalformedPacket },
        { "3.1.1 packet identifier cut short", "B0 01 00", V311, MalformedPacket },
        { "packet identifier 0 (3.1.1 §2.3.1)", "B0 02 00 00", V311, ProtocolError },
        { "packet identifier 0, 5.0 (5.0 §2.2.1)", "B0 04 00 00 00 00", V500, ProtocolError },
        { "5.0 without a Property Length (no short form, 5.0 §3.11.2)", "B0 02 00 01", V500, MalformedPacket },
        { "5.0 no reason codes [MQTT-3.11.3-2]", "B0 03 00 01 00", V500, ProtocolError },
        { "5.0 code 0x01 is not in Table 3-9 [MQTT-3.11.3-2]", "B0 04 00 01 00 01", V500, MalformedPacket },
        { "5.0 SUBACK-only code 0xA2 in an UNSUBACK [MQTT-3.11.3-2]", "B0 05 00 01 00 00 A2", V500, MalformedPacket },
        { "Subscription Identifier is not an UNSUBACK property (Table 2-4)", "B0 06 00 01 02 0B 01 00", V500, MalformedPacket },
        { "fixed header flags 0010 [MQTT-2.2.2-2]", "B2 02 00 01", V311, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadUnsubAck_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }
}
