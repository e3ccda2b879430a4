using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Writes MQTT data types straight into the caller's <see cref="IBufferWriter{T}"/> (a
/// <c>PipeWriter</c> works as is): no temporary buffer, no intermediate array. Callers size
/// the packet first; this only asks the output for space and advances it.
/// Call <see cref="Commit"/> at the end.
/// </summary>
internal ref struct MqttWriter
{
    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _buffered;

    public MqttWriter(IBufferWriter<byte> output, int sizeHint)
    {
        _output = output;
        _span = output.GetSpan(sizeHint);
        _buffered = 0;
    }

    /// <summary>Byte 1 (type and flags) and the Remaining Length: 2 … 5 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteFixedHeader(byte typeAndFlags, int remainingLength)
    {
        Ensure(1 + VariableByteInteger.MaxSize);
        _span[_buffered] = typeAndFlags;
        _buffered += 1 + VariableByteInteger.Write(_span[(_buffered + 1)..], remainingLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        Ensure(1);
        _span[_buffered++] = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_span[_buffered..], value);
        _buffered += 2;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_span[_buffered..], value);
        _buffered += 4;
    }

    public void WriteVariableByteInteger(int value)
    {
        Ensure(VariableByteInteger.MaxSize);
        _buffered += VariableByteInteger.Write(_span[_buffered..], value);
    }

    /// <summary>Two-byte length, then the UTF-8 bytes. The caller has validated the string.</summary>
    public void WriteString(in MqttString value)
    {
        int length = value.ByteCount;
        Ensure(2 + length);
        BinaryPrimitives.WriteUInt16BigEndian(_span[_buffered..], (ushort)length);
        value.CopyTo(_span.Slice(_buffered + 2, length));
        _buffered += 2 + length;
    }

    /// <summary>Two-byte length, then the bytes. The caller has checked the length fits.</summary>
    public void WriteBinary(in MqttBinary value)
    {
        WriteUInt16((ushort)value.Length);
        WriteBytes(value.Bytes);
    }

    /// <summary>Raw bytes (a payload), copied in chunks so a large payload needs no large buffer.</summary>
    public void WriteBytes(in ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsSingleSegment)
        {
            WriteBytes(bytes.FirstSpan);
            return;
        }

        foreach (ReadOnlyMemory<byte> segment in bytes)
        {
            WriteBytes(segment.Span);
        }
    }

    private void WriteBytes(ReadOnlySpan<byte> source)
    {
        // The common case: the output already has room for all of it.
        if (source.Length <= _span.Length - _buffered)
        {
            source.CopyTo(_span[_buffered..]);
            _buffered += source.Length;
            return;
        }

        while (!source.IsEmpty)
        {
            if (_buffered == _span.Length)
            {
                Grow(Math.Min(source.Length, 4096));
            }

            int n = Math.Min(source.Length, _span.Length - _buffered);
            source[..n].CopyTo(_span[_buffered..]);
            _buffered += n;
            source = source[n..];
        }
    }

    /// <summary>Hands the written bytes to the output.</summary>
    public void Commit()
    {
        _output.Advance(_buffered);
        _buffered = 0;
        _span = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int count)
    {
        if (_span.Length - _buffered < count)
        {
            Grow(count);
        }
    }

    private void Grow(int count)
    {
        _output.Advance(_buffered);
        _buffered = 0;
        _span = _output.GetSpan(count);
    }
}
