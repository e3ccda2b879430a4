using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>UNSUBSCRIBE violations (5.0 §3.10, 3.1.1 §3.10, topic filter syntax §4.7).</summary>
public class UnsubscribeMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        { "packet identifier 0 [MQTT-2.3.1-1]", "A2 05 00 00 00 01 61", V311, ProtocolError },
        { "packet identifier 0, 5.0 [MQTT-2.2.1-3]", "A2 06 00 00 00 00 01 61", V500, ProtocolError },
        { "no topic filter, 3.1.1 [MQTT-3.10.3-2]", "A2 02 00 01", V311, ProtocolError },
        { "no topic filter, 5.0 [MQTT-3.10.3-2]", "A2 03 00 01 00", V500, ProtocolError },
        { "empty topic filter [MQTT-4.7.3-1]", "A2 04 00 01 00 00", V311, TopicFilterInvalid },
        { "'#' not last: #/a [MQTT-4.7.1-2]", "A2 07 00 01 00 03 23 2F 61", V311, TopicFilterInvalid },
        { "'+' not alone in its level: a+, 5.0 [MQTT-4.7.1-2]", "A2 07 00 01 00 00 02 61 2B", V500, TopicFilterInvalid },
        { "no filter after the ShareName: $share/g, 5.0 [MQTT-4.8.2-2]", "A2 0D 00 01 00 00 08 24 73 68 61 72 65 2F 67", V500, TopicFilterInvalid },
        { "Subscription Identifier is not an UNSUBSCRIBE property (Table 2-4)", "A2 08 00 01 02 0B 01 00 01 61", V500, MalformedPacket },
        { "Reason String is not an UNSUBSCRIBE property (Table 2-4)", "A2 0A 00 01 04 1F 00 01 61 00 01 61", V500, MalformedPacket },
        { "topic filter length runs past Remaining Length", "A2 04 00 01 00 05", V311, MalformedPacket },
        { "topic filter length cut short after the first filter", "A2 06 00 01 00 01 61 00", V311, MalformedPacket },
        { "ill-formed UTF-8 in a topic filter [MQTT-3.10.3-1]", "A2 05 00 01 00 01 C0", V311, MalformedPacket },
        { "fixed header flags 0000 [MQTT-3.10.1-1]", "A0 05 00 01 00 01 61", V311, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadUnsubscribe_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }
}
