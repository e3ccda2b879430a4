using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>Fixed header violations: rejected from the header alone (5.0 §2.1, 3.1.1 §2.2).</summary>
public class FixedHeaderMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        { "packet type 0 is reserved [MQTT-2.2.2-1]", "00 00", V311, MalformedPacket },
        { "PUBLISH QoS 3 [MQTT-3.3.1-4]", "36 03 00 01 74", V311, MalformedPacket },
        { "PUBLISH QoS 3, 5.0 [MQTT-3.3.1-4]", "36 04 00 01 74 00", V500, MalformedPacket },
        { "DUP set on QoS 0 [MQTT-3.3.1-2]", "38 03 00 01 74", V311, MalformedPacket },
        { "PUBREL flags 0000 instead of 0010 [MQTT-3.6.1-1]", "60 02 00 01", V311, MalformedPacket },
        { "SUBSCRIBE flags 0000 instead of 0010 [MQTT-3.8.1-1]", "80 06 00 01 00 01 74 00", V311, MalformedPacket },
        { "UNSUBSCRIBE flags 0000 instead of 0010 [MQTT-3.10.1-1]", "A0 05 00 01 00 01 74", V311, MalformedPacket },
        { "PUBACK with reserved flag 0001 [MQTT-2.2.2-2]", "41 02 00 01", V311, MalformedPacket },
        { "PINGREQ with reserved flags [MQTT-2.2.2-2]", "C1 00", V500, MalformedPacket },
        { "CONNECT with reserved flags [MQTT-2.2.2-2]", "18 00", V311, MalformedPacket },
        { "Remaining Length with a fifth byte [MQTT-1.5.5-1]", "30 FF FF FF FF 01", V500, MalformedPacket },
        { "Remaining Length not in minimal form (80 00 for 0) [MQTT-1.5.5-1]", "C0 80 00", V311, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadFixedHeader_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }
}
