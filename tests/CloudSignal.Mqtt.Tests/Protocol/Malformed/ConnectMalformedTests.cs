using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>
/// CONNECT violations on the way in (5.0 §3.1, 3.1.1 §3.1). Every row starts
/// <c>10 RL 00 04 4D 51 54 54 LEVEL FLAGS 00 3C</c>: the fixed header, "MQTT", the level,
/// the Connect Flags and Keep Alive 60. CONNECT names its own level, so the column's
/// version is only the connection's (which the decoder ignores).
/// </summary>
public class ConnectMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        // Protocol name and level.
        { "protocol name \"MQIsdp\" with level 3, MQTT 3.1 [MQTT-3.1.2-1]", "10 0E 00 06 4D 51 49 73 64 70 03 02 00 3C 00 00", V311, UnsupportedProtocolVersion },
        { "protocol name \"mqtt\" in lower case [MQTT-3.1.2-1]", "10 0C 00 04 6D 71 74 74 04 02 00 3C 00 00", V311, UnsupportedProtocolVersion },
        { "protocol name \"MQT\" [MQTT-3.1.2-1]", "10 0B 00 03 4D 51 54 04 02 00 3C 00 00", V500, UnsupportedProtocolVersion },
        { "protocol name is not UTF-8 [MQTT-1.5.4-1]", "10 0C 00 04 4D 51 54 FF 04 02 00 3C 00 00", V311, MalformedPacket },
        { "protocol level 3 with the name \"MQTT\" [MQTT-3.1.2-2]", "10 0C 00 04 4D 51 54 54 03 02 00 3C 00 00", V311, UnsupportedProtocolVersion },
        { "protocol level 6 [MQTT-3.1.2-2]", "10 0D 00 04 4D 51 54 54 06 02 00 3C 00 00 00", V500, UnsupportedProtocolVersion },
        { "protocol level 0 [MQTT-3.1.2-2]", "10 0C 00 04 4D 51 54 54 00 02 00 3C 00 00", V311, UnsupportedProtocolVersion },

        // Connect Flags.
        { "reserved flag set, 3.1.1 [MQTT-3.1.2-3]", "10 0C 00 04 4D 51 54 54 04 03 00 3C 00 00", V311, MalformedPacket },
        { "reserved flag set, 5.0 [MQTT-3.1.2-3]", "10 0D 00 04 4D 51 54 54 05 03 00 3C 00 00 00", V500, MalformedPacket },
        { "Will QoS 3, 3.1.1 [MQTT-3.1.2-14]", "10 11 00 04 4D 51 54 54 04 1E 00 3C 00 00 00 01 74 00 00", V311, MalformedPacket },
        { "Will QoS 3, 5.0 [MQTT-3.1.2-12]", "10 13 00 04 4D 51 54 54 05 1E 00 3C 00 00 00 00 01 74 00 00 00", V500, MalformedPacket },
        { "Will QoS 1 without the Will Flag, 3.1.1 [MQTT-3.1.2-13]", "10 0C 00 04 4D 51 54 54 04 0A 00 3C 00 00", V311, MalformedPacket },
        { "Will QoS 2 without the Will Flag, 5.0 [MQTT-3.1.2-11]", "10 0D 00 04 4D 51 54 54 05 12 00 3C 00 00 00", V500, MalformedPacket },
        { "Will Retain without the Will Flag, 3.1.1 [MQTT-3.1.2-15]", "10 0C 00 04 4D 51 54 54 04 22 00 3C 00 00", V311, MalformedPacket },
        { "Will Retain without the Will Flag, 5.0 [MQTT-3.1.2-13]", "10 0D 00 04 4D 51 54 54 05 22 00 3C 00 00 00", V500, MalformedPacket },
        { "3.1.1 Password Flag without User Name Flag [MQTT-3.1.2-22]", "10 0F 00 04 4D 51 54 54 04 42 00 3C 00 00 00 01 70", V311, MalformedPacket },

        // CONNECT properties (5.0 §3.1.2.11, Table 2-4).
        { "Topic Alias (0x23) is not a CONNECT property (Table 2-4)", "10 10 00 04 4D 51 54 54 05 02 00 3C 03 23 00 01 00 00", V500, MalformedPacket },
        { "Will Delay Interval (0x18) belongs in the will, not CONNECT (Table 2-4)", "10 12 00 04 4D 51 54 54 05 02 00 3C 05 18 00 00 00 01 00 00", V500, MalformedPacket },
        { "Session Expiry Interval twice (5.0 §3.1.2.11.2)", "10 17 00 04 4D 51 54 54 05 02 00 3C 0A 11 00 00 00 01 11 00 00 00 02 00 00", V500, ProtocolError },
        { "Authentication Data without Authentication Method (5.0 §3.1.2.11.10)", "10 11 00 04 4D 51 54 54 05 02 00 3C 04 16 00 01 AA 00 00", V500, ProtocolError },
        { "Receive Maximum 0 (5.0 §3.1.2.11.3)", "10 10 00 04 4D 51 54 54 05 02 00 3C 03 21 00 00 00 00", V500, ProtocolError },
        { "Maximum Packet Size 0 (5.0 §3.1.2.11.4)", "10 12 00 04 4D 51 54 54 05 02 00 3C 05 27 00 00 00 00 00 00", V500, ProtocolError },
        { "Request Problem Information 2 (5.0 §3.1.2.11.7)", "10 0F 00 04 4D 51 54 54 05 02 00 3C 02 17 02 00 00", V500, ProtocolError },
        { "Property Length runs past the packet", "10 0F 00 04 4D 51 54 54 05 02 00 3C 09 11 00 00 00", V500, MalformedPacket },

        // Payload (3.1.1 §3.1.3, 5.0 §3.1.3).
        { "Client Identifier is not UTF-8, 3.1.1 [MQTT-3.1.3-4]", "10 0D 00 04 4D 51 54 54 04 02 00 3C 00 01 FF", V311, MalformedPacket },
        { "Client Identifier holds U+0000, 5.0 [MQTT-1.5.4-2]", "10 0E 00 04 4D 51 54 54 05 02 00 3C 00 00 01 00", V500, MalformedPacket },
        { "Client Identifier missing [MQTT-3.1.3-3]", "10 0A 00 04 4D 51 54 54 04 02 00 3C", V311, MalformedPacket },
        { "empty Client Identifier without Clean Session, 3.1.1 [MQTT-3.1.3-7]/[MQTT-3.1.3-8]", "10 0C 00 04 4D 51 54 54 04 00 00 3C 00 00", V311, ClientIdentifierNotValid },
        { "Will Flag but no will fields: payload cut short [MQTT-3.1.2-9]", "10 0C 00 04 4D 51 54 54 04 06 00 3C 00 00", V311, MalformedPacket },
        { "Will Payload length runs past the packet", "10 11 00 04 4D 51 54 54 04 06 00 3C 00 00 00 01 74 00 05", V311, MalformedPacket },
        { "Will Topic with a '#' wildcard [MQTT-3.3.2-2]", "10 11 00 04 4D 51 54 54 04 06 00 3C 00 00 00 01 23 00 00", V311, TopicNameInvalid },
        { "Will Topic with a '+' wildcard, 5.0 [MQTT-3.3.2-2]", "10 15 00 04 4D 51 54 54 05 06 00 3C 00 00 00 00 00 03 61 2F 2B 00 00", V500, TopicNameInvalid },
        { "empty Will Topic [MQTT-4.7.3-1]", "10 10 00 04 4D 51 54 54 04 06 00 3C 00 00 00 00 00 00", V311, ProtocolError },
        { "Will Topic is not UTF-8, 3.1.1 [MQTT-3.1.3-10]", "10 11 00 04 4D 51 54 54 04 06 00 3C 00 00 00 01 C0 00 00", V311, MalformedPacket },
        { "Session Expiry Interval (0x11) in the Will Properties (Table 2-4)", "10 18 00 04 4D 51 54 54 05 06 00 3C 00 00 00 05 11 00 00 00 01 00 01 74 00 00", V500, MalformedPacket },
        { "Will Delay Interval twice (5.0 §3.1.3.2.2)", "10 1D 00 04 4D 51 54 54 05 06 00 3C 00 00 00 0A 18 00 00 00 01 18 00 00 00 02 00 01 74 00 00", V500, ProtocolError },
        { "Will Response Topic with a wildcard [MQTT-3.3.2-14]", "10 17 00 04 4D 51 54 54 05 06 00 3C 00 00 00 04 08 00 01 23 00 01 74 00 00", V500, ProtocolError },
        { "Will Payload Format Indicator 2 (5.0 §3.1.3.2.3)", "10 15 00 04 4D 51 54 54 05 06 00 3C 00 00 00 02 01 02 00 01 74 00 00", V500, ProtocolError },
        { "User Name Flag but no User Name [MQTT-3.1.2-19]", "10 0C 00 04 4D 51 54 54 04 82 00 3C 00 00", V311, MalformedPacket },
        { "User Name is not UTF-8, 5.0 [MQTT-3.1.3-12]", "10 10 00 04 4D 51 54 54 05 82 00 3C 00 00 00 00 01 FE", V500, MalformedPacket },
        { "Password Flag but no Password, 5.0 [MQTT-3.1.2-19]", "10 0D 00 04 4D 51 54 54 05 42 00 3C 00 00 00", V500, MalformedPacket },
        { "byte left over after the last field", "10 0D 00 04 4D 51 54 54 04 02 00 3C 00 00 FF", V311, MalformedPacket },
        { "User Name present without its flag: left over", "10 0F 00 04 4D 51 54 54 04 02 00 3C 00 00 00 01 75", V311, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadConnect_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }
}
