using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>
/// SUBSCRIBE violations (5.0 §3.8, 3.1.1 §3.8, topic filter syntax §4.7, shared subscriptions §4.8.2).
/// A filter that parses but breaks §4.7/§4.8.2 is 0x8F Topic Filter invalid (see TopicFilter).
/// </summary>
public class SubscribeMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        { "packet identifier 0 [MQTT-2.3.1-1]", "82 06 00 00 00 01 61 00", V311, ProtocolError },
        { "packet identifier 0, 5.0 [MQTT-2.2.1-3]", "82 07 00 00 00 00 01 61 00", V500, ProtocolError },
        { "no topic filter, 3.1.1 [MQTT-3.8.3-3]", "82 02 00 01", V311, ProtocolError },
        { "no topic filter, 5.0 [MQTT-3.8.3-2]", "82 03 00 01 00", V500, ProtocolError },
        { "empty topic filter [MQTT-4.7.3-1]", "82 05 00 01 00 00 00", V311, TopicFilterInvalid },
        { "empty topic filter, 5.0 [MQTT-4.7.3-1]", "82 06 00 01 00 00 00 00", V500, TopicFilterInvalid },
        { "'#' not last: a/#/b, 3.1.1 [MQTT-4.7.1-2]", "82 0A 00 01 00 05 61 2F 23 2F 62 00", V311, TopicFilterInvalid },
        { "'#' not alone in its level: a/b#, 5.0 [MQTT-4.7.1-1]", "82 0A 00 01 00 00 04 61 2F 62 23 00", V500, TopicFilterInvalid },
        { "'+' not alone in its level: a+/b, 3.1.1 [MQTT-4.7.1-3]", "82 09 00 01 00 04 61 2B 2F 62 00", V311, TopicFilterInvalid },
        { "'+' not alone in its level: +a, 5.0 [MQTT-4.7.1-2]", "82 08 00 01 00 00 02 2B 61 00", V500, TopicFilterInvalid },
        { "3.1.1 Requested QoS with reserved bit 2 set [MQTT-3.8.3-4]", "82 06 00 01 00 01 61 04", V311, MalformedPacket },
        { "3.1.1 Requested QoS 3 [MQTT-3.8.3-4]", "82 06 00 01 00 01 61 03", V311, MalformedPacket },
        { "5.0 options with reserved bit 6 set [MQTT-3.8.3-5]", "82 07 00 01 00 00 01 61 40", V500, MalformedPacket },
        { "5.0 options with reserved bit 7 set [MQTT-3.8.3-5]", "82 07 00 01 00 00 01 61 81", V500, MalformedPacket },
        { "5.0 Maximum QoS 3 is a Protocol Error (5.0 §3.8.3.1)", "82 07 00 01 00 00 01 61 03", V500, ProtocolError },
        { "5.0 Retain Handling 3 is a Protocol Error (5.0 §3.8.3.1)", "82 07 00 01 00 00 01 61 30", V500, ProtocolError },
        { "No Local on a shared subscription [MQTT-3.8.3-4]", "82 10 00 01 00 00 0A 24 73 68 61 72 65 2F 67 2F 61 04", V500, ProtocolError },
        { "ShareName '+' [MQTT-4.8.2-2]", "82 10 00 01 00 00 0A 24 73 68 61 72 65 2F 2B 2F 61 00", V500, TopicFilterInvalid },
        { "empty ShareName: $share//a [MQTT-4.8.2-1]", "82 0F 00 01 00 00 09 24 73 68 61 72 65 2F 2F 61 00", V500, TopicFilterInvalid },
        { "no filter after the ShareName: $share/g [MQTT-4.8.2-2]", "82 0E 00 01 00 00 08 24 73 68 61 72 65 2F 67 00", V500, TopicFilterInvalid },
        { "Topic Alias is not a SUBSCRIBE property (Table 2-4)", "82 0A 00 01 03 23 00 01 00 01 61 00", V500, MalformedPacket },
        { "two Subscription Identifiers (5.0 §3.8.2.1.2)", "82 0B 00 01 04 0B 01 0B 02 00 01 61 00", V500, ProtocolError },
        { "Subscription Identifier 0 (5.0 §3.8.2.1.2)", "82 09 00 01 02 0B 00 00 01 61 00", V500, ProtocolError },
        { "Property Length runs past the packet", "82 05 00 01 09 0B 01", V500, MalformedPacket },
        { "topic filter length runs past Remaining Length", "82 05 00 01 00 05 61", V311, MalformedPacket },
        { "options byte missing after the filter", "82 05 00 01 00 01 61", V311, MalformedPacket },
        { "options byte missing after the second filter", "82 09 00 01 00 01 61 00 00 01 62", V311, MalformedPacket },
        { "ill-formed UTF-8 in a topic filter [MQTT-3.8.3-1]", "82 06 00 01 00 01 FF 00", V311, MalformedPacket },
        { "U+0000 in a topic filter [MQTT-1.5.4-2]", "82 08 00 01 00 00 02 61 00 00", V500, MalformedPacket },
        { "fixed header flags 0000 [MQTT-3.8.1-1]", "80 06 00 01 00 01 61 00", V311, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadSubscribe_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }
}
