using System.IO.Pipelines;

namespace CloudSignal.Mqtt.Transport;

/// <summary>
/// An open network connection to the broker as a duplex byte pipe. MQTT sees only bytes: TCP,
/// TLS and WebSocket all look the same from here (5.0 §4.2, §6; 3.1.1 §4.2, §6).
/// </summary>
/// <remarks>
/// <para>Ownership: one reader reads <see cref="Input"/> and one writer writes <see cref="Output"/>,
/// each from one task at a time, as for any pipe.</para>
/// <para>Receiving: <see cref="Input"/> yields the bytes in order with no framing;
/// packet boundaries are the decoder's business (a WebSocket frame may hold part of a packet or
/// several packets, [MQTT-6.0.0-2]). When the server closes the connection cleanly (TCP FIN, or a
/// WebSocket close frame) a read returns <see cref="ReadResult.IsCompleted"/> with whatever bytes
/// were left. When the connection breaks (reset, TLS error, a WebSocket frame that is not binary
/// [MQTT-6.0.0-1]) a read throws an <see cref="IOException"/>.</para>
/// <para>Sending: bytes go out on <see cref="PipeWriter.FlushAsync"/>, one flush per batch of
/// packets. The flush completes when the bytes were handed to the network (for a WebSocket, sent as
/// binary messages). A broken connection makes the flush throw an <see cref="IOException"/>.
/// Bytes written but not flushed are never sent.</para>
/// <para>Cancellation: cancelling a pending read or flush (its token, or
/// <see cref="PipeReader.CancelPendingRead"/>, which reaches the stream too) is for shutting down,
/// not for pausing: a cancelled WebSocket operation aborts the WebSocket, and a cancelled TLS
/// operation may leave the stream unusable. Read in one loop for the life of the connection.</para>
/// <para>Closing is <see cref="IAsyncDisposable.DisposeAsync"/>: it ends the connection politely
/// (TLS close_notify, WebSocket close handshake, TCP FIN), waits at most about a second
/// (<see cref="StreamTransport.CloseTimeout"/>) for the server to close its side so that data
/// already flushed — a DISCONNECT — is not lost to a reset, and then releases the connection.
/// Disposing is also the way to wake a read loop: a read in flight ends, with
/// <see cref="ReadResult.IsCompleted"/> or an <see cref="IOException"/>; later reads and flushes
/// throw an <see cref="IOException"/> (see <see cref="GuardedStream"/>). The transport never
/// completes the pipes itself; the owner completes its ends when its loops stop (that only returns
/// buffers to the pool). Disposing twice is harmless.</para>
/// </remarks>
internal interface IMqttTransport : IAsyncDisposable
{
    /// <summary>Bytes from the server.</summary>
    PipeReader Input { get; }

    /// <summary>Bytes to the server; they are sent on flush.</summary>
    PipeWriter Output { get; }
}
