using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>SUBACK violations (5.0 §3.9, 3.1.1 §3.9). An undefined code is 0x81, as for every reason code field.</summary>
public class SubAckMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        { "packet identifier 0 (3.1.1 §2.3.1)", "90 03 00 00 00", V311, ProtocolError },
        { "no return codes, 3.1.1 (one per filter, 3.1.1 §3.9.3)", "90 02 00 01", V311, ProtocolError },
        { "no reason codes, 5.0 [MQTT-3.9.3-2]", "90 03 00 01 00", V500, ProtocolError },
        { "3.1.1 return code 0x03 [MQTT-3.9.3-2]", "90 03 00 01 03", V311, MalformedPacket },
        { "3.1.1 return code 0x87, defined only in 5.0 [MQTT-3.9.3-2]", "90 04 00 01 00 87", V311, MalformedPacket },
        { "5.0 code 0x03 is not in Table 3-8", "90 04 00 01 00 03", V500, MalformedPacket },
        { "5.0 UNSUBACK-only code 0x11 in a SUBACK (Table 3-8)", "90 05 00 01 00 00 11", V500, MalformedPacket },
        { "Subscription Identifier is not a SUBACK property (Table 2-4)", "90 06 00 01 02 0B 01 00", V500, MalformedPacket },
        { "Reason String twice (5.0 §3.9.2.1.2)", "90 0C 00 01 08 1F 00 01 61 1F 00 01 62 00", V500, ProtocolError },
        { "Property Length runs past the packet", "90 04 00 01 05 00", V500, MalformedPacket },
        { "packet identifier cut short", "90 01 00", V311, MalformedPacket },
        { "fixed header flags 0010 [MQTT-2.2.2-2]", "92 03 00 01 00", V311, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadSubAck_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }
}
