using System.Runtime.CompilerServices;

namespace CloudSignal.Mqtt.Transport;

/// <summary>
/// Wraps a connection's stream so that its failures reach the pipes in one shape: an
/// <see cref="IOException"/>. Streams report a connection closed under a pending or later call in
/// assorted ways (<see cref="ObjectDisposedException"/>, or an <see cref="OperationCanceledException"/>
/// that no caller asked for when a WebSocket aborts); the owner of an <see cref="IMqttTransport"/>
/// should not have to know which stream sits underneath. A cancellation the caller did ask for
/// stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class GuardedStream : Stream
{
    private readonly Stream _inner;

    public GuardedStream(Stream inner) => _inner = inner;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    // Pooled builders: a read or write that completes later must not allocate a state machine per packet.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClosedUnderUs(e, cancellationToken))
        {
            throw Closed(e);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClosedUnderUs(e, cancellationToken))
        {
            throw Closed(e);
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsClosedUnderUs(e, cancellationToken))
        {
            throw Closed(e);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous calls would block a thread on I/O; the pipes never make them.
    public override void Flush() => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private static bool IsClosedUnderUs(Exception e, CancellationToken cancellationToken) =>
        e is ObjectDisposedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static IOException Closed(Exception e) => new("The connection was closed.", e);
}
