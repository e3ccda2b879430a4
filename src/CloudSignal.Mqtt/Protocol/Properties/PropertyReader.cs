using System.Buffers;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>One property as read from the wire. Which value field is set depends on the wire type.</summary>
internal readonly struct Property
{
    public PropertyId Id { get; init; }

    /// <summary>Byte, Two/Four Byte Integer and Variable Byte Integer values.</summary>
    public uint Integer { get; init; }

    /// <summary>UTF-8 String values, and the name of a UTF-8 String Pair.</summary>
    public MqttString Text { get; init; }

    /// <summary>The value of a UTF-8 String Pair.</summary>
    public MqttString PairValue { get; init; }

    public MqttBinary Binary { get; init; }

    /// <summary>Offset of the identifier from the packet start, for error messages.</summary>
    public long Offset { get; init; }
}

/// <summary>
/// Walks a property block (5.0 §2.2.2) and enforces what the spec says of every property
/// wherever it appears: known identifier, allowed in this packet (else 0x81), not repeated
/// unless repeatable (else 0x82), value within the block (else 0x81) and within its range
/// (else 0x82). Packets only assign the values they get.
/// </summary>
internal ref struct PropertyReader
{
    private MqttReader _reader;
    private readonly PropertyContext _context;
    private readonly bool _trusted;
    private ulong _seen;

    private PropertyReader(ReadOnlySequence<byte> block, long offset, PropertyContext context, bool trusted)
    {
        _reader = new MqttReader(block, offset);
        _context = context;
        _trusted = trusted;
        _seen = 0;
        Block = block;
        BlockOffset = offset;
    }

    /// <summary>The property bytes (after the Property Length), a slice of the packet.</summary>
    public ReadOnlySequence<byte> Block { get; }

    public long BlockOffset { get; }

    /// <summary>Reads the Property Length, then reads properties from the block it delimits.</summary>
    public static PropertyReader Open(ref MqttReader packet, PropertyContext context)
    {
        int length = packet.ReadVariableByteInteger("Property Length");
        long offset = packet.Offset;
        ReadOnlySequence<byte> block = packet.ReadBytes(length, "Properties");
        return new PropertyReader(block, offset, context, trusted: false);
    }

    /// <summary>Re-reads a block that <see cref="Open"/> has already validated.</summary>
    public static PropertyReader OpenValidated(ReadOnlySequence<byte> block, long offset) =>
        new(block, offset, PropertyContext.All, trusted: true);

    public bool TryRead(out Property property)
    {
        if (_reader.End)
        {
            property = default;
            return false;
        }

        long offset = _reader.Offset;
        int id = _reader.ReadVariableByteInteger("Property Identifier");
        if (!PropertyTable.TryGet(id, out PropertyTable.Entry entry))
        {
            ThrowHelper.Malformed("Property Identifier", offset, $"0x{id:X2} is not a property identifier");
        }

        var propertyId = (PropertyId)id;
        if (!_trusted)
        {
            CheckPlacement(propertyId, entry, offset);
        }

        string field = propertyId.ToString();
        property = entry.Type switch
        {
            PropertyType.Byte => new Property { Id = propertyId, Offset = offset, Integer = _reader.ReadByte(field) },
            PropertyType.TwoByteInteger => new Property { Id = propertyId, Offset = offset, Integer = _reader.ReadUInt16(field) },
            PropertyType.FourByteInteger => new Property { Id = propertyId, Offset = offset, Integer = _reader.ReadUInt32(field) },
            PropertyType.VariableByteInteger => new Property { Id = propertyId, Offset = offset, Integer = (uint)_reader.ReadVariableByteInteger(field) },
            PropertyType.Utf8String => new Property { Id = propertyId, Offset = offset, Text = _reader.ReadString(field) },
            PropertyType.BinaryData => new Property { Id = propertyId, Offset = offset, Binary = _reader.ReadBinary(field) },
            _ => new Property { Id = propertyId, Offset = offset, Text = _reader.ReadString(field), PairValue = _reader.ReadString(field) },
        };

        if (!_trusted)
        {
            CheckRange(property);
        }

        return true;
    }

    private void CheckPlacement(PropertyId id, in PropertyTable.Entry entry, long offset)
    {
        if ((entry.AllowedIn & _context) == 0)
        {
            // Table 2-4 note: a property not valid for the packet makes it a Malformed Packet.
            ThrowHelper.Malformed(id.ToString(), offset, $"property 0x{(int)id:X2} is not allowed in {_context}");
        }

        ulong bit = 1UL << (int)id;
        if ((_seen & bit) != 0 && (entry.RepeatableIn & _context) == 0)
        {
            // "It is a Protocol Error to include the ... more than once" (each property's section).
            ThrowHelper.ProtocolError(id.ToString(), offset, $"property 0x{(int)id:X2} appears more than once");
        }

        _seen |= bit;
    }

    private static void CheckRange(in Property p)
    {
        bool valid = p.Id switch
        {
            // Byte values that the spec restricts to 0 or 1.
            PropertyId.PayloadFormatIndicator or PropertyId.RequestProblemInformation or
            PropertyId.RequestResponseInformation or PropertyId.MaximumQoS or PropertyId.RetainAvailable or
            PropertyId.WildcardSubscriptionAvailable or PropertyId.SubscriptionIdentifierAvailable or
            PropertyId.SharedSubscriptionAvailable => p.Integer <= 1,

            // Values where 0 is a Protocol Error.
            PropertyId.ReceiveMaximum or PropertyId.MaximumPacketSize or PropertyId.TopicAlias or
            PropertyId.SubscriptionIdentifier => p.Integer != 0,
            _ => true,
        };

        if (!valid)
        {
            ThrowHelper.ProtocolError(p.Id.ToString(), p.Offset, $"value {p.Integer} is not allowed");
        }
    }
}
