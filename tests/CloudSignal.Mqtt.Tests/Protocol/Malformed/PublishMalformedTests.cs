using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>PUBLISH variable header, properties and UTF-8 violations (5.0 §3.3, §1.5.4, §2.2.2).</summary>
public class PublishMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        { "QoS 1 with packet identifier 0 [MQTT-2.3.1-1]", "32 05 00 01 74 00 00", V311, ProtocolError },
        { "QoS 2 with packet identifier 0, 5.0 [MQTT-2.2.1-3]", "34 06 00 01 74 00 00 00", V500, ProtocolError },
        { "QoS 1 packet identifier cut short by Remaining Length", "32 04 00 01 74 00", V311, MalformedPacket },
        { "'+' in a topic name [MQTT-3.3.2-2]", "30 05 00 03 61 2B 62", V311, TopicNameInvalid },
        { "'#' as a topic name [MQTT-3.3.2-2]", "30 04 00 01 23 00", V500, TopicNameInvalid },
        { "empty topic name [MQTT-4.7.3-1]", "30 02 00 00", V311, ProtocolError },
        { "empty topic name without a Topic Alias (5.0 §3.3.2.3.4)", "30 03 00 00 00", V500, ProtocolError },
        { "topic length runs past Remaining Length", "30 03 00 05 61", V311, MalformedPacket },
        { "overlong UTF-8 (C0 AF) in topic [MQTT-1.5.3-1]", "30 04 00 02 C0 AF", V311, MalformedPacket },
        { "UTF-8-encoded surrogate U+D800 in topic [MQTT-1.5.4-1]", "30 05 00 03 ED A0 80", V500, MalformedPacket },
        { "U+0000 in topic [MQTT-1.5.4-2]", "30 04 00 02 61 00", V311, MalformedPacket },
        { "truncated multi-byte UTF-8 sequence in topic [MQTT-1.5.3-1]", "30 04 00 02 61 E2", V311, MalformedPacket },
        { "Session Expiry Interval is not a PUBLISH property (Table 2-4)", "30 09 00 01 74 05 11 00 00 00 01", V500, MalformedPacket },
        { "unknown property identifier 0x05", "30 06 00 01 74 02 05 00", V500, MalformedPacket },
        { "Content Type twice (5.0 §3.3.2.3.9)", "30 0C 00 01 74 08 03 00 01 61 03 00 01 62", V500, ProtocolError },
        { "Property Length runs past the packet", "30 05 00 01 74 0A 01", V500, MalformedPacket },
        { "Message Expiry Interval cut short inside the property block", "30 07 00 01 74 02 02 00 00", V500, MalformedPacket },
        { "Topic Alias 0 (5.0 §3.3.2.3.4)", "30 07 00 01 74 03 23 00 00", V500, ProtocolError },
        { "Payload Format Indicator 2 (5.0 §3.3.2.3.2)", "30 06 00 01 74 02 01 02", V500, ProtocolError },
        { "Subscription Identifier 0 (5.0 §3.3.2.3.8)", "30 06 00 01 74 02 0B 00", V500, ProtocolError },
        { "Response Topic with a wildcard [MQTT-3.3.2-14]", "30 09 00 01 74 05 08 00 02 61 23", V500, ProtocolError },
        { "Property Length is a 5-byte variable byte integer", "30 08 00 01 74 FF FF FF FF 01", V500, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadPublish_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }
}
