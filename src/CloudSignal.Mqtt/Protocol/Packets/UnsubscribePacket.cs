namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// UNSUBSCRIBE (5.0 §3.10, 3.1.1 §3.10): one or more Topic Filters to remove.
/// </summary>
/// <remarks>
/// <code>
/// byte 1        1010 0010   (reserved flags, checked by PacketScanner [MQTT-3.10.1-1])
/// Remaining Length (VBI)
/// Packet Id     two bytes, non-zero
/// Properties    VBI length + User Properties (5.0 only; nothing else is allowed)
/// Payload       1+ Topic Filter UTF-8 strings
/// </code>
/// The filters must be valid Topic Filters (§4.7): a filter that could never have been
/// subscribed is rejected the same way as in SUBSCRIBE (0x8F, see <see cref="TopicFilter"/>).
/// </remarks>
internal readonly record struct UnsubscribePacket : IMqttPacket
{
    public PacketType Type => PacketType.Unsubscribe;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.Unsubscribe);

    public ushort PacketIdentifier { get; init; }

    /// <summary>5.0 only: the only UNSUBSCRIBE property (5.0 §3.10.2.1).</summary>
    public UserProperties UserProperties { get; init; }

    public PacketList<MqttString> TopicFilters { get; init; }

    public int GetRemainingLength(MqttProtocolVersion version)
    {
        if (PacketIdentifier == 0)
        {
            // [MQTT-2.2.1-3] (5.0), [MQTT-2.3.1-1] (3.1.1)
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Packet Identifier", "UNSUBSCRIBE needs a non-zero packet identifier");
        }

        if (TopicFilters.Count == 0)
        {
            // [MQTT-3.10.3-2]
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Payload", "UNSUBSCRIBE needs at least one topic filter");
        }

        int length = 2;
        if (version == MqttProtocolVersion.V500)
        {
            length += PropertyWriter.SizeWithLength(UserProperties.GetEncodedSize());
        }
        else if (UserProperties.Count != 0)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Properties", "UNSUBSCRIBE properties need MQTT 5.0");
        }

        foreach (MqttString filter in TopicFilters)
        {
            length += 2 + FieldSize.String(filter, "Topic Filter");
            string? problem = TopicFilter.Check(filter, version, out _);
            if (problem is not null)
            {
                ThrowHelper.Invalid(MqttReasonCode.TopicFilterInvalid, "Topic Filter", problem);
            }
        }

        return length;
    }

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
        writer.WriteUInt16(PacketIdentifier);
        if (version == MqttProtocolVersion.V500)
        {
            writer.WriteVariableByteInteger(UserProperties.GetEncodedSize());
            UserProperties.Write(ref writer);
        }

        foreach (MqttString filter in TopicFilters)
        {
            writer.WriteString(filter);
        }
    }

    public static UnsubscribePacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        long offset = reader.Offset;
        ushort packetIdentifier = reader.ReadUInt16("Packet Identifier");
        if (packetIdentifier == 0)
        {
            // [MQTT-2.2.1-3] (5.0), [MQTT-2.3.1-1] (3.1.1)
            ThrowHelper.ProtocolError("Packet Identifier", offset, "UNSUBSCRIBE needs a non-zero packet identifier");
        }

        UserProperties userProperties = version == MqttProtocolVersion.V500 ? ReadProperties(ref reader) : default;
        if (reader.End)
        {
            // [MQTT-3.10.3-2]: an UNSUBSCRIBE with no payload is a Protocol Error.
            ThrowHelper.ProtocolError("Payload", reader.Offset, "UNSUBSCRIBE needs at least one topic filter");
        }

        // First pass validates and counts, so the array is allocated once at its exact size.
        MqttReader counter = reader;
        int count = 0;
        while (!counter.End)
        {
            ReadFilter(ref counter, version);
            count++;
        }

        var filters = new MqttString[count];
        for (int i = 0; i < filters.Length; i++)
        {
            filters[i] = ReadFilter(ref reader, version);
        }

        reader.ExpectEnd("UNSUBSCRIBE");
        return new UnsubscribePacket { PacketIdentifier = packetIdentifier, UserProperties = userProperties, TopicFilters = filters };
    }

    private static MqttString ReadFilter(ref MqttReader reader, MqttProtocolVersion version)
    {
        long offset = reader.Offset;

        // [MQTT-3.10.3-1] a UTF-8 string; ReadString rejects ill-formed UTF-8 and U+0000 with 0x81.
        MqttString filter = reader.ReadString("Topic Filter");
        string? problem = TopicFilter.Check(filter, version, out _);
        if (problem is not null)
        {
            ThrowHelper.Throw(MqttReasonCode.TopicFilterInvalid, "Topic Filter", offset, problem);
        }

        return filter;
    }

    /// <summary>PropertyReader rejects any property but User Property here (0x81).</summary>
    private static UserProperties ReadProperties(ref MqttReader reader)
    {
        var properties = PropertyReader.Open(ref reader, PropertyContext.Unsubscribe);
        int count = 0;
        while (properties.TryRead(out _))
        {
            count++;
        }

        return UserProperties.FromBlock(properties.Block, properties.BlockOffset, count);
    }
}
