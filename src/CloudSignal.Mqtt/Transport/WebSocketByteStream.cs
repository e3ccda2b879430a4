using System.Net.WebSockets;

namespace CloudSignal.Mqtt.Transport;

/// <summary>
/// A WebSocket seen as a byte stream (5.0 §6, 3.1.1 §6): reads return the payload of binary
/// frames back to back with message boundaries erased; every write is one binary message.
/// </summary>
/// <remarks>
/// Erasing boundaries is what the spec asks of a receiver: a frame may hold part of a packet or
/// several packets [MQTT-6.0.0-2]. A text frame is a protocol violation; the connection is
/// aborted and the read throws [MQTT-6.0.0-1]. A close frame ends the stream (a read returns 0).
/// Every WebSocket failure surfaces as an <see cref="IOException"/>, as a socket failure would.
/// Only the asynchronous memory overloads are implemented: the pipes use nothing else, and a
/// synchronous call would block a thread on I/O.
/// </remarks>
internal sealed class WebSocketByteStream : Stream
{
    private readonly WebSocket _socket;

    public WebSocketByteStream(WebSocket socket) => _socket = socket;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException e)
            {
                throw new IOException($"The WebSocket connection broke: {TransportErrors.Flatten(e)}", e);
            }

            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    return 0;
                case WebSocketMessageType.Text:
                    // [MQTT-6.0.0-1] any frame other than binary: the recipient closes the connection.
                    _socket.Abort();
                    throw new IOException("The server sent a WebSocket text frame; MQTT packets travel only in binary frames, so the connection was closed [MQTT-6.0.0-1].");
                default:
                    if (result.Count > 0)
                    {
                        return result.Count;
                    }

                    // An empty binary frame carries nothing; returning 0 would mean end of stream.
                    break;
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            // [MQTT-6.0.0-1] binary frames only.
            await _socket.SendAsync(buffer, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            throw new IOException($"The WebSocket connection broke: {TransportErrors.Flatten(e)}", e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
