using System.Buffers;

namespace CloudSignal.Mqtt.Persistence;

/// <summary>
/// A growable buffer of pooled bytes that, unlike ArrayBufferWriter, lets the owner rewrite what
/// was written: the file store fills in each record's CRC at flush time, outside the lock the
/// mutators take. A buffer grown past <see cref="KeepBytes"/> by a burst goes back to the pool on
/// <see cref="Reset"/>.
/// </summary>
internal sealed class LogBuffer : IBufferWriter<byte>, IDisposable
{
    /// <summary>Capacity kept across <see cref="Reset"/>; larger buffers are returned to the pool.</summary>
    public const int KeepBytes = 1 << 20;

    private const int InitialBytes = 4096;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
    private int _count;

    /// <summary>Bytes written since the last <see cref="Reset"/>.</summary>
    public int WrittenCount => _count;

    /// <summary>The written bytes, writable.</summary>
    public Span<byte> WrittenSpan => _buffer.AsSpan(0, _count);

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length - _count);
        _count += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_count);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_count);
    }

    /// <summary>Forgets what was written; gives a large buffer back to the pool.</summary>
    public void Reset()
    {
        _count = 0;
        if (_buffer.Length > KeepBytes)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialBytes);
        }
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        _count = 0;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void Reserve(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _count >= needed)
        {
            return;
        }

        long required = (long)_count + needed;
        if (required > Array.MaxLength)
        {
            throw new OutOfMemoryException($"A session log buffer cannot hold {required} bytes.");
        }

        int size = (int)Math.Min(Math.Max(required, (long)_buffer.Length * 2), Array.MaxLength);
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _count).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
