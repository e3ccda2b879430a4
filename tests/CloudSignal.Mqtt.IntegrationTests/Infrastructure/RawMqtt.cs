namespace CloudSignal.Mqtt.IntegrationTests.Infrastructure;

/// <summary>
/// Hand-written MQTT 3.1.1 bytes for probing a listener without the client library: proves the
/// TLS and WebSocket listeners really speak MQTT, independent of the code under test.
/// </summary>
internal static class RawMqtt
{
    /// <summary>CONNECT, 3.1.1 §3.1, clean session, empty client id.</summary>
    public static readonly byte[] Connect =
    [
        0x10,                               // fixed header: CONNECT (type 1), flags 0 (§3.1.1)
        0x0C,                               // remaining length 12
        0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', // protocol name "MQTT" (§3.1.2.1)
        0x04,                               // protocol level 4 = 3.1.1 (§3.1.2.2)
        0x02,                               // connect flags: clean session only (§3.1.2.4)
        0x00, 0x3C,                         // keep alive 60 s (§3.1.2.10)
        0x00, 0x00,                         // client id "" — allowed with clean session [MQTT-3.1.3-7]
    ];

    /// <summary>CONNACK, 3.1.1 §3.2: session present 0, return code 0 (accepted).</summary>
    public static readonly byte[] ConnAckAccepted = [0x20, 0x02, 0x00, 0x00];

    /// <summary>Sends CONNECT on <paramref name="stream"/> and reads the 4-byte CONNACK.</summary>
    public static async Task<byte[]> ConnectAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Connect, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        byte[] reply = new byte[ConnAckAccepted.Length];
        await stream.ReadExactlyAsync(reply, cancellationToken);
        return reply;
    }
}
