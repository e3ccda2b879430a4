using System.Buffers;

namespace CloudSignal.Mqtt.Benchmarks.Codec;

/// <summary>
/// The cheapest possible <see cref="IBufferWriter{T}"/>: one pre-sized array, rewound by
/// <see cref="Reset"/>. Lets the encode benchmarks measure the codec, not the writer.
/// </summary>
internal sealed class FixedBufferWriter(int capacity) : IBufferWriter<byte>
{
    private readonly byte[] _buffer = new byte[capacity];
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public void Reset() => _written = 0;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(_written);
}
