using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Reads the MQTT data types (5.0 §1.5) from one packet's bytes, which may span segments.
/// Every read checks the bytes left, so running past the Remaining Length is 0x81 with the
/// field's name and offset, never an out-of-range exception. Values are slices of the input.
/// </summary>
/// <remarks>
/// Almost every packet arrives in one segment, so that case reads from a span with a
/// position, like <c>Utf8JsonReader</c>; only a packet split across segments pays for a
/// <see cref="SequenceReader{T}"/>. Both paths apply exactly the same checks.
/// </remarks>
internal ref struct MqttReader
{
    private readonly ReadOnlySequence<byte> _bytes;
    private readonly long _baseOffset;

    // Contiguous input: the bytes as one span, and how many of them have been read.
    private ReadOnlySpan<byte> _span;
    private bool _contiguous;
    private int _position;

    // Input in several segments.
    private SequenceReader<byte> _reader;

    /// <param name="bytes">The bytes to read.</param>
    /// <param name="baseOffset">Where <paramref name="bytes"/> start, counted from the packet's first byte.</param>
    public MqttReader(ReadOnlySequence<byte> bytes, long baseOffset)
    {
        _bytes = bytes;
        _baseOffset = baseOffset;
        Start();
    }

    /// <summary>
    /// As <see cref="MqttReader(ReadOnlySequence{byte}, long)"/>, for a caller that may already
    /// hold <paramref name="bytes"/> as one span: <paramref name="span"/> is either all of
    /// <paramref name="bytes"/> or empty (then the sequence is examined as usual).
    /// </summary>
    internal MqttReader(ReadOnlySequence<byte> bytes, ReadOnlySpan<byte> span, long baseOffset)
    {
        _bytes = bytes;
        _baseOffset = baseOffset;
        if (span.Length == bytes.Length)
        {
            _span = span;
            _contiguous = true;
        }
        else
        {
            Start();
        }
    }

    // Out of line and in place: SequenceReader is large (and its constructor too), and a
    // returned reader would be copied into every caller's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Start()
    {
        if (_bytes.IsSingleSegment)
        {
            _span = _bytes.FirstSpan;
            _contiguous = true;
        }
        else
        {
            _reader = new SequenceReader<byte>(_bytes);
        }
    }

    /// <summary>Offset of the next byte, counted from the start of the packet.</summary>
    public readonly long Offset => _baseOffset + Consumed;

    public readonly long Remaining => _contiguous ? _span.Length - _position : _reader.Remaining;

    public readonly bool End => _contiguous ? _position >= _span.Length : _reader.End;

    private readonly long Consumed => _contiguous ? _position : _reader.Consumed;

    // Each read is a short contiguous fast path; everything else (a packet split across
    // segments, or a field that runs past the end and throws) is in a separate method so its
    // locals and message formatting stay out of the callers' frames.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte(string field)
    {
        if (_contiguous && (uint)_position < (uint)_span.Length)
        {
            return _span[_position++];
        }

        return ReadByteSlow(field);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort ReadUInt16(string field)
    {
        if (_contiguous && _span.Length - _position >= 2)
        {
            ushort value = BinaryPrimitives.ReadUInt16BigEndian(_span[_position..]);
            _position += 2;
            return value;
        }

        return ReadUInt16Slow(field);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32(string field)
    {
        if (_contiguous && _span.Length - _position >= 4)
        {
            uint value = BinaryPrimitives.ReadUInt32BigEndian(_span[_position..]);
            _position += 4;
            return value;
        }

        return ReadUInt32Slow(field);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadVariableByteInteger(string field)
    {
        // One byte (0 … 127) is by far the common case: property lengths and identifiers.
        if (_contiguous && (uint)_position < (uint)_span.Length && _span[_position] < 0x80)
        {
            return _span[_position++];
        }

        return ReadVariableByteIntegerSlow(field);
    }

    /// <summary>Two-byte length, then that many bytes of well-formed UTF-8 without U+0000.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public MqttString ReadString(string field)
    {
        if (_contiguous && _span.Length - _position >= 2)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(_span[_position..]);
            int start = _position + 2;
            if (_span.Length - start >= length && Utf8Validation.IsValid(_span.Slice(start, length)))
            {
                _position = start + length;
                return MqttString.FromValidatedUtf8(SliceAt(start, length));
            }
        }

        return ReadStringSlow(field);
    }

    /// <summary>
    /// As <see cref="ReadString(string)"/>, and reports whether the string holds a wildcard
    /// ('+' or '#'), found in the same pass that looks for U+0000: a Topic Name must have none
    /// [MQTT-3.3.2-2], and the caller decides when to reject it.
    /// </summary>
    public MqttString ReadString(string field, out bool hasWildcard)
    {
        if (_contiguous && _span.Length - _position >= 2)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(_span[_position..]);
            int start = _position + 2;
            if (_span.Length - start >= length)
            {
                ReadOnlySpan<byte> utf8 = _span.Slice(start, length);
                int special = utf8.IndexOfAny((byte)0, (byte)'+', (byte)'#');
                if (special < 0 ? Utf8.IsValid(utf8) : Utf8Validation.IsValid(utf8))
                {
                    // Valid means no U+0000, so whatever IndexOfAny found is a wildcard.
                    hasWildcard = special >= 0;
                    _position = start + length;
                    return MqttString.FromValidatedUtf8(SliceAt(start, length));
                }
            }
        }

        MqttString value = ReadStringSlow(field);
        hasWildcard = value.ContainsAny('+', '#');
        return value;
    }

    /// <summary>
    /// As <see cref="ReadString(string)"/>, for bytes that have already passed <see cref="ReadString(string)"/>
    /// once (a property block re-read after validation): the UTF-8 is not checked twice.
    /// </summary>
    public MqttString ReadValidatedString(string field) => MqttString.FromValidatedUtf8(ReadLengthPrefixed(field));

    /// <summary>Two-byte length, then that many bytes.</summary>
    public MqttBinary ReadBinary(string field) => new(ReadLengthPrefixed(field));

    /// <summary>The next <paramref name="length"/> bytes, as a slice.</summary>
    public ReadOnlySequence<byte> ReadBytes(int length, string field)
    {
        if (_contiguous && (uint)length <= (uint)(_span.Length - _position))
        {
            ReadOnlySequence<byte> bytes = SliceAt(_position, length);
            _position += length;
            return bytes;
        }

        return ReadBytesSlow(length, field);
    }

    /// <summary>A reader over the next <paramref name="length"/> bytes; this reader skips past them.</summary>
    public MqttReader ReadSection(int length, string field)
    {
        long offset = Offset;
        if (_contiguous && (uint)length <= (uint)(_span.Length - _position))
        {
            ReadOnlySpan<byte> span = _span.Slice(_position, length);
            ReadOnlySequence<byte> bytes = SliceAt(_position, length);
            _position += length;
            return new MqttReader(bytes, span, offset);
        }

        return new MqttReader(ReadBytes(length, field), offset);
    }

    public ReadOnlySequence<byte> ReadToEnd()
    {
        if (_contiguous)
        {
            ReadOnlySequence<byte> tail = _position == 0 ? _bytes : SliceAt(_position, _span.Length - _position);
            _position = _span.Length;
            return tail;
        }

        return ReadToEndSlow();
    }

    /// <summary>The packet's content must end exactly where its Remaining Length says.</summary>
    public readonly void ExpectEnd(string packet)
    {
        if (!End)
        {
            LeftOver(packet);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void LeftOver(string packet) =>
        ThrowHelper.Malformed(
            packet, Offset, $"{Remaining} byte(s) left over after the last field: Remaining Length disagrees with the content");

    // ReadOnlySequence.Slice is large; inlined into every read it would swell the callers'
    // frames (and the zeroing of them) far more than a call costs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly ReadOnlySequence<byte> SliceAt(int start, int length) => _bytes.Slice(start, length);

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
            // Only a negative length gets here: Slice throws as it always has.
            return _bytes.Slice(_position, length);
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
