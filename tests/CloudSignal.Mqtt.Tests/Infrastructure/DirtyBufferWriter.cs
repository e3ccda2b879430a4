using System.Buffers;

namespace CloudSignal.Mqtt.Tests.Infrastructure;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that hands out 0xFF-filled spans no bigger than asked
/// for (or a small chunk), so an encoder that skips a byte or assumes one big span is caught.
/// </summary>
internal sealed class DirtyBufferWriter(int chunk = 7) : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _current = [];

    public byte[] WrittenBytes => [.. _written];

    public int GetSpanCalls { get; private set; }

    public void Advance(int count)
    {
        if (count < 0 || count > _current.Length)
        {
            throw new InvalidOperationException($"Advance({count}) beyond the {_current.Length}-byte span");
        }

        _written.AddRange(_current.AsSpan(0, count));
        _current = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpanCalls++;
        _current = new byte[Math.Max(sizeHint, chunk)];
        _current.AsSpan().Fill(0xFF);
        return _current;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
