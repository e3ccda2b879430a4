using System.Buffers;
using System.Runtime.CompilerServices;

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

    internal Property(PropertyId id, long offset, uint integer, in MqttString text, in MqttString pairValue, in MqttBinary binary)
    {
        Id = id;
        Offset = offset;
        Integer = integer;
        Text = text;
        PairValue = pairValue;
        Binary = binary;
    }
}

/// <summary>
/// Walks a property block (5.0 §2.2.2) and enforces what the spec says of every property
/// wherever it appears: known identifier, allowed in this packet (else 0x81), not repeated
/// unless repeatable (else 0x82), value within the block (else 0x81) and within its range
/// (else 0x82). Packets only assign the values they get.
/// </summary>
internal ref struct PropertyReader
{
    // The enum names by identifier, for error messages (PropertyTable rejects undefined ids first).
    private static readonly string[] Names = BuildNames();

    private MqttReader _reader;
    private PropertyContext _context;
    private bool _trusted;
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
    public ReadOnlySequence<byte> Block { get; private set; }

    public long BlockOffset { get; private set; }

    /// <summary>Reads the Property Length, then reads properties from the block it delimits.</summary>
    public static PropertyReader Open(ref MqttReader packet, PropertyContext context)
    {
        PropertyReader properties = default;
        properties.Begin(ref packet, context);
        return properties;
    }

    /// <summary>
    /// As <see cref="Open"/>, on a reader declared <c>default</c>: opened in place, it is not
    /// copied (it is over 200 bytes, zeroed at every copy site) for every property block.
    /// </summary>
    internal void Begin(ref MqttReader packet, PropertyContext context)
    {
        int length = packet.ReadVariableByteInteger("Property Length");
        BlockOffset = packet.Offset;
        _reader.OpenSection(ref packet, length, "Properties", out ReadOnlySequence<byte> block);
        Block = block;
        _context = context;
        _trusted = false;
        _seen = 0;
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
            UnknownIdentifier(id, offset);
        }

        var propertyId = (PropertyId)id;
        if (!_trusted)
        {
            CheckPlacement(propertyId, entry, offset);
        }

        // Enum.ToString() would box (24 B per property): names come from a table instead.
        // The value goes into locals and the Property is built once: a Property per wire type
        // would put seven 120-byte temporaries in this frame, each copied out with a barrier.
        string field = Names[id];
        uint integer = 0;
        MqttString text = default;
        MqttString pairValue = default;
        MqttBinary binary = default;
        switch (entry.Type)
        {
            case PropertyType.Byte: integer = _reader.ReadByte(field); break;
            case PropertyType.TwoByteInteger: integer = _reader.ReadUInt16(field); break;
            case PropertyType.FourByteInteger: integer = _reader.ReadUInt32(field); break;
            case PropertyType.VariableByteInteger: integer = (uint)_reader.ReadVariableByteInteger(field); break;
            case PropertyType.Utf8String: text = ReadString(field); break;
            case PropertyType.BinaryData: binary = _reader.ReadBinary(field); break;
            default:
                text = ReadString(field);
                pairValue = ReadString(field);
                break;
        }

        property = new Property(propertyId, offset, integer, text, pairValue, binary);
        if (!_trusted)
        {
            CheckRange(property);
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UnknownIdentifier(int id, long offset) =>
        ThrowHelper.Malformed("Property Identifier", offset, $"0x{id:X2} is not a property identifier");

    // A trusted block passed ReadString's UTF-8 check when it was opened: no need to repeat it.
    private MqttString ReadString(string field) =>
        _trusted ? _reader.ReadValidatedString(field) : _reader.ReadString(field);

    private void CheckPlacement(PropertyId id, in PropertyTable.Entry entry, long offset)
    {
        if ((entry.AllowedIn & _context) == 0)
        {
            // Table 2-4 note: a property not valid for the packet makes it a Malformed Packet.
            NotAllowed(id, offset, _context);
        }

        ulong bit = 1UL << (int)id;
        if ((_seen & bit) != 0 && (entry.RepeatableIn & _context) == 0)
        {
            // "It is a Protocol Error to include the ... more than once" (each property's section).
            Repeated(id, offset);
        }

        _seen |= bit;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void NotAllowed(PropertyId id, long offset, PropertyContext context) =>
        ThrowHelper.Malformed(id.ToString(), offset, $"property 0x{(int)id:X2} is not allowed in {context}");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Repeated(PropertyId id, long offset) =>
        ThrowHelper.ProtocolError(id.ToString(), offset, $"property 0x{(int)id:X2} appears more than once");

    private static string[] BuildNames()
    {
        string[] names = new string[256];
        foreach (PropertyId id in Enum.GetValues<PropertyId>())
        {
            names[(int)id] = id.ToString();
        }

        return names;
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
            OutOfRange(p.Id, p.Offset, p.Integer);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OutOfRange(PropertyId id, long offset, uint value) =>
        ThrowHelper.ProtocolError(id.ToString(), offset, $"value {value} is not allowed");
}
