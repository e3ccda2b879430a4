using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>PUBACK, PUBREC, PUBREL, PUBCOMP and PING violations (5.0 §3.4–3.7, §3.12–3.13).</summary>
public class PublishResponseMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        { "PUBACK with packet identifier 0 [MQTT-2.3.1-1]", "40 02 00 00", V311, ProtocolError },
        { "PUBCOMP with packet identifier 0, 5.0 [MQTT-2.2.1-3]", "70 02 00 00", V500, ProtocolError },
        { "3.1.1 PUBACK with a third byte (Remaining Length must be 2)", "40 03 00 01 00", V311, MalformedPacket },
        { "PUBACK with Remaining Length 1", "40 01 00", V500, MalformedPacket },
        { "PUBACK reason 0x92 belongs to PUBREL/PUBCOMP (Table 3-4)", "40 03 00 01 92", V500, MalformedPacket },
        { "PUBREL reason 0x10 is not a PUBREL code (Table 3-6)", "62 03 00 01 10", V500, MalformedPacket },
        { "PUBREC reason 0x81 is not a PUBREC code (Table 3-5)", "50 03 00 01 81", V500, MalformedPacket },
        { "Payload Format Indicator is not a PUBACK property (Table 2-4)", "40 06 00 01 00 02 01 01", V500, MalformedPacket },
        { "Reason String twice in PUBACK (5.0 §3.4.2.2.2)", "40 0C 00 01 80 08 1F 00 01 61 1F 00 01 62", V500, ProtocolError },
        { "PUBACK property block longer than the packet", "40 05 00 01 00 09 1F", V500, MalformedPacket },
        { "PINGREQ with a body [MQTT-3.12.4-1 layout, §3.12.1]", "C0 01 00", V311, MalformedPacket },
        { "PINGRESP with a body (§3.13.1)", "D0 02 00 00", V500, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadAcknowledgement_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }
}
