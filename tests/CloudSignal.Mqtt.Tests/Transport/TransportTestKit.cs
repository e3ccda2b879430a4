using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;
using CloudSignal.Mqtt.Transport;

namespace CloudSignal.Mqtt.Tests.Transport;

/// <summary>Loopback listeners, pipe helpers and sample packets for the transport tests.</summary>
internal static class TransportTestKit
{
    /// <summary>Every transport test finishes well within this, or fails instead of hanging.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static CancellationTokenSource TimeoutSource() => new(Timeout);

    /// <summary>A listener on 127.0.0.1 with a port chosen by the system.</summary>
    public static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    public static int Port(this TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Three real MQTT packets, encoded: a QoS 1 PUBLISH, a PINGREQ and a QoS 0 PUBLISH.</summary>
    public static byte[][] SamplePackets() =>
    [
        Codec.Encode(new PublishPacket { TopicName = "sensors/1/temp", Qos = MqttQos.AtLeastOnce, PacketIdentifier = 7, Payload = "21.5"u8.ToArray() }, MqttProtocolVersion.V500),
        Codec.Encode(new PingReqPacket(), MqttProtocolVersion.V500),
        Codec.Encode(new PublishPacket { TopicName = "a/b", Payload = Pattern(300) }, MqttProtocolVersion.V311),
    ];

    /// <summary>One PUBLISH large enough to be split anywhere.</summary>
    public static byte[] LargePacket(int payloadLength) =>
        Codec.Encode(new PublishPacket { TopicName = "big", Payload = Pattern(payloadLength) }, MqttProtocolVersion.V500);

    /// <summary>Bytes that differ from position to position, so a reordering or a gap shows.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + (i >> 8));
        }

        return bytes;
    }

    /// <summary>Writes all the chunks and flushes once: one batch.</summary>
    public static async Task WriteBatchAsync(PipeWriter output, CancellationToken cancellationToken, params byte[][] chunks)
    {
        foreach (byte[] chunk in chunks)
        {
            output.Write(chunk);
        }

        FlushResult result = await output.FlushAsync(cancellationToken);
        Assert.False(result.IsCompleted);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; fails if the stream ends first.</summary>
    public static async Task<byte[]> ReadExactlyAsync(PipeReader input, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= count)
            {
                byte[] bytes = buffer.Slice(0, count).ToArray();
                input.AdvanceTo(buffer.GetPosition(count));
                return bytes;
            }

            Assert.False(result.IsCompleted, $"the stream ended after {buffer.Length} of {count} bytes");
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Reads until the stream completes and returns what was left.</summary>
    public static async Task<byte[]> ReadToEndAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                byte[] rest = result.Buffer.ToArray();
                input.AdvanceTo(result.Buffer.End);
                return rest;
            }

            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>Reads a plain stream until end of stream.</summary>
    public static async Task<byte[]> ReadStreamToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, cancellationToken);
        return all.ToArray();
    }

    public static async Task<byte[]> ReadStreamExactlyAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    /// <summary>A read woken by DisposeAsync ends with the stream completed or an IOException (IMqttTransport).</summary>
    public static async Task AssertReadEndedAsync(Task<byte[]> pendingRead)
    {
        Exception? failure = await Record.ExceptionAsync(() => pendingRead);
        Assert.True(failure is null or IOException, failure?.ToString());
    }

    public static byte[] Concat(params byte[][] chunks) => chunks.SelectMany(c => c).ToArray();

    /// <summary>Connects through the public factory, the way the client will.</summary>
    public static ValueTask<IMqttTransport> ConnectAsync(string url, TlsOptions? tls, CancellationToken cancellationToken) =>
        MqttTransport.ConnectAsync(MqttUrl.Parse(url), tls, cancellationToken);
}
