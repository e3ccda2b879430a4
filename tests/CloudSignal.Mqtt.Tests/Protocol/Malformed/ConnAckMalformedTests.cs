using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>CONNACK violations on the way in (5.0 §3.2, 3.1.1 §3.2).</summary>
public class ConnAckMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        // Acknowledge flags, return/reason code, Session Present.
        { "reserved acknowledge flag bit 1, 3.1.1 (3.1.1 §3.2.2.1)", "20 02 02 00", V311, MalformedPacket },
        { "reserved acknowledge flag bit 7, 5.0 [MQTT-3.2.2-1]", "20 03 80 00 00", V500, MalformedPacket },
        { "3.1.1 return code 6 is reserved (3.1.1 Table 3.1)", "20 02 00 06", V311, MalformedPacket },
        { "3.1.1 return code 0x80 is reserved (3.1.1 Table 3.1)", "20 02 00 80", V311, MalformedPacket },
        { "5.0 reason code 0x01 is not in Table 3-1 [MQTT-3.2.2-8]", "20 03 00 01 00", V500, MalformedPacket },
        { "5.0 reason code 0x8B is a DISCONNECT code [MQTT-3.2.2-8]", "20 03 00 8B 00", V500, MalformedPacket },
        { "Session Present with a refusal, 3.1.1 [MQTT-3.2.2-4]", "20 02 01 05", V311, ProtocolError },
        { "Session Present with a refusal, 5.0 [MQTT-3.2.2-6]", "20 03 01 87 00", V500, ProtocolError },

        // Length.
        { "5.0 CONNACK without Property Length (5.0 §3.2.2.3: no short form)", "20 02 00 00", V500, MalformedPacket },
        { "3.1.1 CONNACK with a third byte (3.1.1 §3.2: Remaining Length 2)", "20 03 00 00 00", V311, MalformedPacket },
        { "CONNACK with only the flags byte", "20 01 00", V311, MalformedPacket },
        { "byte left over after the 5.0 property block", "20 04 00 00 00 00", V500, MalformedPacket },

        // CONNACK properties (5.0 §3.2.2.3, Table 2-4).
        { "Will Delay Interval (0x18) is not a CONNACK property (Table 2-4)", "20 08 00 00 05 18 00 00 00 01", V500, MalformedPacket },
        { "Request Problem Information (0x17) is CONNECT-only (Table 2-4)", "20 05 00 00 02 17 01", V500, MalformedPacket },
        { "Maximum QoS 2 (5.0 §3.2.2.3.4)", "20 05 00 00 02 24 02", V500, ProtocolError },
        { "Retain Available 2 (5.0 §3.2.2.3.5)", "20 05 00 00 02 25 02", V500, ProtocolError },
        { "Receive Maximum 0 (5.0 §3.2.2.3.3)", "20 06 00 00 03 21 00 00", V500, ProtocolError },
        { "Maximum Packet Size 0 (5.0 §3.2.2.3.6)", "20 08 00 00 05 27 00 00 00 00", V500, ProtocolError },
        { "Reason String twice (5.0 §3.2.2.3.9)", "20 0B 00 80 08 1F 00 01 61 1F 00 01 62", V500, ProtocolError },
        { "Server Keep Alive twice (5.0 §3.2.2.3.14)", "20 09 00 00 06 13 00 01 13 00 02", V500, ProtocolError },
        { "Assigned Client Identifier is not UTF-8 [MQTT-1.5.4-1]", "20 07 00 00 04 12 00 01 FF", V500, MalformedPacket },
        { "Property Length runs past the packet", "20 05 00 00 09 11 00", V500, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadConnAck_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }
}
