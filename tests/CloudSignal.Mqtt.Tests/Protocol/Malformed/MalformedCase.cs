using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>
/// Malformed inputs as readable rows: a name that says what is wrong (with the normative id),
/// the bytes in spaced hex, the protocol level, and the reason code the decoder must report.
/// </summary>
public static class MalformedCase
{
    public static byte[] Hex(string spaced) => Convert.FromHexString(spaced.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static void AssertRejected(string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        MqttProtocolException ex = Codec.AssertRejected(Hex(hex), version, expected);
        // The message must point somewhere: a field name and an offset.
        Assert.Contains("offset", ex.Message, StringComparison.Ordinal);
    }
}
