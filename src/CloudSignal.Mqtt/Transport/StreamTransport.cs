using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace CloudSignal.Mqtt.Transport;

/// <summary>
/// The pipe half shared by every transport: <see cref="PipeReader.Create(Stream, StreamPipeReaderOptions)"/>
/// and <see cref="PipeWriter.Create(Stream, StreamPipeWriterOptions)"/> over the connection's stream.
/// </summary>
/// <remarks>
/// Why stream pipes and not a Pipe fed by pump tasks: the stream reader reads only when the owner
/// asks, so back-pressure is natural and a packet larger than any pause threshold cannot deadlock
/// the pipe; no task or thread sits on the socket; and all three transports, WebSocket included
/// (through <see cref="WebSocketByteStream"/>), report end of stream and failures the same way.
/// </remarks>
internal abstract class StreamTransport : IMqttTransport
{
    /// <summary>How long <see cref="DisposeAsync"/> waits for the server to close its side.</summary>
    internal static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(1);

    // 16 KiB is one full TLS record; reads of at least 2 KiB keep small-packet traffic cheap.
    private const int ReadBufferSize = 16 * 1024;
    private const int MinimumReadSize = 2 * 1024;
    private const int MinimumWriteBufferSize = 16 * 1024;

    private int _disposed;

    protected StreamTransport(Stream stream, bool zeroByteReads)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream = new GuardedStream(stream);

        // Zero-byte reads (NetworkStream and SslStream support them) hold no buffer while a
        // connection is idle, which is most of an MQTT connection's life.
        Input = PipeReader.Create(stream, new StreamPipeReaderOptions(
            bufferSize: ReadBufferSize, minimumReadSize: MinimumReadSize, leaveOpen: true, useZeroByteReads: zeroByteReads));
        Output = PipeWriter.Create(stream, new StreamPipeWriterOptions(
            minimumBufferSize: MinimumWriteBufferSize, leaveOpen: true));
    }

    /// <inheritdoc />
    public PipeReader Input { get; }

    /// <inheritdoc />
    public PipeWriter Output { get; }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The pipes are left alone: completing the reader here would race a read loop that the
        // close just woke up (it would find its reader completed under it). The owner completes
        // them when its loops end, which only returns their buffers to the pool.
        await CloseConnectionAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Ends the connection politely within <see cref="CloseTimeout"/> and releases it. Never throws.</summary>
    protected abstract ValueTask CloseConnectionAsync();

    /// <summary>
    /// Sends FIN after the data already queued, reads and drops whatever the server still sends
    /// until it closes too (or <see cref="CloseTimeout"/> passes), then closes the socket.
    /// </summary>
    /// <remarks>
    /// Closing a socket that still has unread received data makes the kernel send a reset and
    /// discard data not yet sent, which could lose the DISCONNECT just flushed (5.0 §3.14.4: the
    /// server then publishes the will). Draining to the server's FIN first avoids that.
    /// </remarks>
    protected static async ValueTask ShutdownAndDrainAsync(Socket socket)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(CloseTimeout);
            while (await socket.ReceiveAsync(scratch, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already reset, already closed, or the server kept it open: close it anyway.
        }
        finally
        {
            socket.Dispose();
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
