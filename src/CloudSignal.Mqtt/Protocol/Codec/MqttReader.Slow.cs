using System.Buffers;
using System.Runtime.CompilerServices;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// The out-of-line half of <see cref="MqttReader"/>: packets split across segments, fields
/// that run past the end (and throw), and setting up. Kept apart so the fast paths, which
/// are inlined into every packet's Read, stay small.
/// </summary>
internal ref partial struct MqttReader
{
    // Out of line and in place: SequenceReader is large (and its constructor too), and a
    // returned reader would be copied into every caller's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Start()
    {
        if (_bytes.IsSingleSegment)
        {
            _span = _bytes.FirstSpan;
            _contiguous = true;
            _originKind = PacketInput.TryGetOrigin(_bytes, out _origin, out _originStart);
        }
        else
        {
            _reader = new SequenceReader<byte>(_bytes);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly ReadOnlySequence<byte> SliceOfBytes(int start, int length) => _bytes.Slice(start, length);

    private ReadOnlySequence<byte> ReadLengthPrefixed(string field)
    {
        ushort length = ReadUInt16(field);
        return ReadBytes(length, field);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private byte ReadByteSlow(string field)
    {
        if (_contiguous || !_reader.TryRead(out byte value))
        {
            Truncated(field, 1);
            return 0;
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ushort ReadUInt16Slow(string field)
    {
        if (_contiguous || !_reader.TryReadBigEndian(out short value))
        {
            Truncated(field, 2);
            return 0;
        }

        return (ushort)value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private uint ReadUInt32Slow(string field)
    {
        if (_contiguous || !_reader.TryReadBigEndian(out int value))
        {
            Truncated(field, 4);
            return 0;
        }

        return (uint)value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ReadVariableByteIntegerSlow(string field)
    {
        long offset = Offset;
        bool complete;
        int value;
        if (_contiguous)
        {
            complete = VariableByteInteger.TryRead(_span[_position..], field, offset, out value, out int consumed);
            _position += consumed;
        }
        else
        {
            complete = VariableByteInteger.TryRead(ref _reader, field, offset, out value);
        }

        if (!complete)
        {
            ThrowHelper.Malformed(field, offset, "variable byte integer runs past the end of the packet");
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private MqttString ReadStringSlow(string field)
    {
        long offset = Offset;
        ReadOnlySequence<byte> bytes = ReadLengthPrefixed(field);
        if (!Utf8Validation.IsValid(bytes))
        {
            // [MQTT-1.5.4-1] ill-formed UTF-8 or a surrogate, [MQTT-1.5.4-2] U+0000
            ThrowHelper.Malformed(field, offset, "string is not well-formed UTF-8 or contains U+0000");
        }

        return MqttString.FromValidatedUtf8(bytes);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ReadOnlySequence<byte> ReadBytesSlow(int length, string field)
    {
        if (length > Remaining)
        {
            Truncated(field, length);
        }

        if (_contiguous)
        {
            // Only a negative length gets here: the slice throws ArgumentOutOfRange as it always has.
            return SliceAt(_position, length);
        }

        ReadOnlySequence<byte> slice = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return slice;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ReadOnlySequence<byte> ReadToEndSlow()
    {
        ReadOnlySequence<byte> rest = _reader.UnreadSequence;
        _reader.AdvanceToEnd();
        return rest;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void Truncated(string field, int needed) =>
        ThrowHelper.Malformed(
            field, Offset, $"needs {needed} byte(s) but only {Remaining} remain: Remaining Length disagrees with the content");
}
