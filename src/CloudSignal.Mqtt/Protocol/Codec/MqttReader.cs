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
internal ref partial struct MqttReader
{
    private const byte NoOrigin = PacketInput.NoOrigin;
    private const byte ArrayOrigin = PacketInput.ArrayOrigin;
    private const byte SegmentOrigin = PacketInput.SegmentOrigin;

    private long _baseOffset;

    // Contiguous input: the bytes as one span, and how many of them have been read. Slices
    // (strings, payloads) are built straight from the array or segment the span lies in;
    // _bytes is kept only when that is unknown (a MemoryManager) or the input is segmented.
    private ReadOnlySpan<byte> _span;
    private bool _contiguous;
    private int _position;
    private object? _origin;
    private int _originStart;
    private byte _originKind;
    private ReadOnlySequence<byte> _bytes;

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
    /// A reader over the <paramref name="length"/> bytes at <paramref name="start"/> of the
    /// decoder's input (a packet's body): when the body lies in the input's first span and
    /// its memory is known, nothing is sliced or examined again.
    /// </summary>
    internal MqttReader(scoped in PacketInput input, int start, int length) => Open(input, start, length);

    /// <summary>
    /// As the constructor above, on a reader declared <c>default</c>: the decoder's per-type
    /// methods open their reader in place, where a constructed one was built in a temporary
    /// and copied (about 190 bytes, both zeroed first) on every packet.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Open(scoped in PacketInput input, int start, int length)
    {
        _baseOffset = start;
        _position = 0;
        if (input.First.Length - start >= length && input.OriginKind != PacketInput.NoOrigin)
        {
            _span = input.First.Slice(start, length);
            _origin = input.Origin;
            _originStart = input.OriginStart + start;
            _originKind = input.OriginKind;
            _contiguous = true;
        }
        else
        {
            _contiguous = false;
            _originKind = NoOrigin;
            _bytes = input.Buffer.Slice(start, length);
            Start();
        }
    }

    /// <summary>
    /// As <see cref="ReadSection(int, string)"/> on <paramref name="parent"/>, opening this
    /// (default) reader in place over the section, whose bytes also come out as a slice.
    /// </summary>
    internal void OpenSection(ref MqttReader parent, int length, string field, out ReadOnlySequence<byte> bytes)
    {
        _baseOffset = parent.Offset;
        _position = 0;
        if (parent._contiguous && (uint)length <= (uint)(parent._span.Length - parent._position))
        {
            _span = parent._span.Slice(parent._position, length);
            bytes = parent.SliceAt(parent._position, length);
            _origin = parent._origin;
            _originStart = parent._originStart + parent._position;
            _originKind = parent._originKind;
            _bytes = _originKind == NoOrigin ? bytes : default;
            _contiguous = true;
            parent._position += length;
        }
        else
        {
            bytes = parent.ReadBytes(length, field);
            _bytes = bytes;
            _contiguous = false;
            _originKind = NoOrigin;
            Start();
        }
    }

    // A section of a contiguous reader: same origin, further in.
    private MqttReader(ReadOnlySpan<byte> span, object? origin, int originStart, byte originKind, ReadOnlySequence<byte> bytes, long baseOffset)
    {
        _baseOffset = baseOffset;
        _span = span;
        _contiguous = true;
        _origin = origin;
        _originStart = originStart;
        _originKind = originKind;
        _bytes = bytes;
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
                return MqttString.FromValidatedUtf8(SliceAt(start, length), length);
            }
        }

        return ReadStringSlow(field);
    }

    /// <summary>
    /// As <see cref="ReadString(string)"/>, and reports whether the string holds a wildcard
    /// ('+' or '#'), found in the same pass that looks for U+0000: a Topic Name must have none
    /// [MQTT-3.3.2-2], and the caller decides when to reject it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
                    return MqttString.FromValidatedUtf8(SliceAt(start, length), length);
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
            ReadOnlySequence<byte> bytes = _originKind == NoOrigin ? _bytes.Slice(_position, length) : default;
            int originStart = _originStart + _position;
            _position += length;
            return new MqttReader(span, _origin, originStart, _originKind, bytes, offset);
        }

        return new MqttReader(ReadBytes(length, field), offset);
    }

    public ReadOnlySequence<byte> ReadToEnd()
    {
        if (_contiguous)
        {
            ReadOnlySequence<byte> tail = SliceAt(_position, _span.Length - _position);
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

    // A slice of contiguous input, made from its array or segment directly: ReadOnlySequence.Slice
    // handles every shape of sequence and costs several times as much (it was ~10% of a decode).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ReadOnlySequence<byte> SliceAt(int start, int length)
    {
        int from = _originStart + start;
        if (_originKind == ArrayOrigin)
        {
            return new ReadOnlySequence<byte>(Unsafe.As<byte[]>(_origin)!, from, length);
        }

        if (_originKind == SegmentOrigin)
        {
            var segment = Unsafe.As<ReadOnlySequenceSegment<byte>>(_origin)!;
            return new ReadOnlySequence<byte>(segment, from, segment, from + length);
        }

        return SliceOfBytes(start, length);
    }
}
