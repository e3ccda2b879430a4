using System.Net;
using System.Net.Sockets;

namespace CloudSignal.Mqtt.Bench.Sink;

/// <summary>
/// The physical limit for QoS 0 to the sink: identical pre-encoded PUBLISH frames packed into a
/// ~1 MiB buffer and written straight to a plain socket, no client library in between.
/// </summary>
internal sealed class RawSocketPublisher : IAsyncDisposable
{
    private const int ChunkBytes = 1024 * 1024;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private byte[] _chunk = [];
    private int _frameLength;
    private int _framesPerChunk;

    public async Task ConnectAsync(int port, string clientId)
    {
        await _socket.ConnectAsync(IPAddress.Loopback, port);
        await _socket.SendAsync(RawFrames.Connect(clientId));

        // CONNACK (MQTT 5): 0x20, remaining length 3, flags, reason code, property length.
        byte[] connack = new byte[5];
        int read = 0;
        while (read < connack.Length)
        {
            int n = await _socket.ReceiveAsync(connack.AsMemory(read));
            if (n == 0)
            {
                throw new IOException("sink closed before CONNACK");
            }

            read += n;
        }

        if (connack[0] != 0x20 || connack[3] != 0x00)
        {
            throw new IOException($"unexpected CONNACK {Convert.ToHexString(connack)}");
        }
    }

    /// <summary>Encodes the frame once and repeats it to fill the send chunk.</summary>
    public void Prepare(string topic, byte[] payload)
    {
        byte[] frame = RawFrames.Publish(topic, payload);
        _frameLength = frame.Length;
        _framesPerChunk = Math.Max(1, ChunkBytes / frame.Length);
        _chunk = new byte[_framesPerChunk * frame.Length];
        for (int i = 0; i < _framesPerChunk; i++)
        {
            frame.CopyTo(_chunk, i * frame.Length);
        }
    }

    /// <summary>Writes up to <paramref name="count"/> frames, stopping after the chunk that passes the deadline timestamp.</summary>
    public async Task<int> PublishAsync(int count, long deadline)
    {
        int sent = 0;
        while (sent < count && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
        {
            int frames = Math.Min(_framesPerChunk, count - sent);
            int length = frames * _frameLength;
            int written = 0;
            while (written < length)
            {
                written += await _socket.SendAsync(_chunk.AsMemory(written, length - written));
            }

            sent += frames;
        }

        return sent;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _socket.SendAsync(RawFrames.Disconnect());
        }
        catch (SocketException)
        {
            // Best effort: the sink may already be gone.
        }

        _socket.Dispose();
    }
}
