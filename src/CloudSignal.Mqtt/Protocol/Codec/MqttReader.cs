using System.Buffers;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Reads the MQTT data types (5.0 §1.5) from one packet's bytes, which may span segments.
/// Every read checks the bytes left, so running past the Remaining Length is 0x81 with the
/// field's name and offset, never an out-of-range exception. Values are slices of the input.
/// </summary>
internal ref struct MqttReader
{
    private SequenceReader<byte> _reader;
    private readonly long _baseOffset;

    /// <param name="bytes">The bytes to read.</param>
    /// <param name="baseOffset">Where <paramref name="bytes"/> start, counted from the packet's first byte.</param>
    public MqttReader(ReadOnlySequence<byte> bytes, long baseOffset)
    {
        _reader = new SequenceReader<byte>(bytes);
        _baseOffset = baseOffset;
    }

    /// <summary>Offset of the next byte, counted from the start of the packet.</summary>
    public readonly long Offset => _baseOffset + _reader.Consumed;

    public readonly long Remaining => _reader.Remaining;

    public readonly bool End => _reader.End;

    public byte ReadByte(string field)
    {
        if (!_reader.TryRead(out byte value))
        {
            Truncated(field, 1);
        }

        return value;
    }

    public ushort ReadUInt16(string field)
    {
        if (!_reader.TryReadBigEndian(out short value))
        {
            Truncated(field, 2);
        }

        return (ushort)value;
    }

    public uint ReadUInt32(string field)
    {
        if (!_reader.TryReadBigEndian(out int value))
        {
            Truncated(field, 4);
        }

        return (uint)value;
    }

    public int ReadVariableByteInteger(string field)
    {
        long offset = Offset;
        if (!VariableByteInteger.TryRead(ref _reader, field, offset, out int value))
        {
            ThrowHelper.Malformed(field, offset, "variable byte integer runs past the end of the packet");
        }

        return value;
    }

    /// <summary>Two-byte length, then that many bytes of well-formed UTF-8 without U+0000.</summary>
    public MqttString ReadString(string field)
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

    /// <summary>Two-byte length, then that many bytes.</summary>
    public MqttBinary ReadBinary(string field) => new(ReadLengthPrefixed(field));

    /// <summary>The next <paramref name="length"/> bytes, as a slice.</summary>
    public ReadOnlySequence<byte> ReadBytes(int length, string field)
    {
        if (length > _reader.Remaining)
        {
            Truncated(field, length);
        }

        ReadOnlySequence<byte> slice = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return slice;
    }

    /// <summary>A reader over the next <paramref name="length"/> bytes; this reader skips past them.</summary>
    public MqttReader ReadSection(int length, string field)
    {
        long offset = Offset;
        return new MqttReader(ReadBytes(length, field), offset);
    }

    public ReadOnlySequence<byte> ReadToEnd()
    {
        ReadOnlySequence<byte> rest = _reader.UnreadSequence;
        _reader.AdvanceToEnd();
        return rest;
    }

    /// <summary>The packet's content must end exactly where its Remaining Length says.</summary>
    public readonly void ExpectEnd(string packet)
    {
        if (!_reader.End)
        {
            ThrowHelper.Malformed(
                packet, Offset, $"{_reader.Remaining} byte(s) left over after the last field: Remaining Length disagrees with the content");
        }
    }

    private ReadOnlySequence<byte> ReadLengthPrefixed(string field)
    {
        ushort length = ReadUInt16(field);
        return ReadBytes(length, field);
    }

    private readonly void Truncated(string field, int needed) =>
        ThrowHelper.Malformed(
            field, Offset, $"needs {needed} byte(s) but only {_reader.Remaining} remain: Remaining Length disagrees with the content");
}
