namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// SUBSCRIBE (5.0 §3.8, 3.1.1 §3.8): one or more Topic Filters, each with its options.
/// </summary>
/// <remarks>
/// <code>
/// byte 1        1000 0010   (reserved flags, checked by PacketScanner [MQTT-3.8.1-1])
/// Remaining Length (VBI)
/// Packet Id     two bytes, non-zero
/// Properties    VBI length + properties (5.0 only)
/// Payload       1+ × (Topic Filter UTF-8 string, options byte)
/// </code>
/// Decoding allocates one array for the subscriptions; the filters are slices of the input.
/// </remarks>
internal readonly record struct SubscribePacket : IMqttPacket
{
    public PacketType Type => PacketType.Subscribe;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.Subscribe);

    public ushort PacketIdentifier { get; init; }

    /// <summary>5.0 only.</summary>
    public SubscribeProperties Properties { get; init; }

    public PacketList<Subscription> Subscriptions { get; init; }

    public int GetRemainingLength(MqttProtocolVersion version)
    {
        if (PacketIdentifier == 0)
        {
            // [MQTT-2.2.1-3] (5.0), [MQTT-2.3.1-1] (3.1.1)
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Packet Identifier", "SUBSCRIBE needs a non-zero packet identifier");
        }

        if (Subscriptions.Count == 0)
        {
            // [MQTT-3.8.3-2] (5.0), [MQTT-3.8.3-3] (3.1.1)
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Payload", "SUBSCRIBE needs at least one topic filter");
        }

        int length = 2;
        if (version == MqttProtocolVersion.V500)
        {
            length += PropertyWriter.SizeWithLength(Properties.GetLength());
        }
        else if (!Properties.IsEmpty)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Properties", "SUBSCRIBE properties need MQTT 5.0");
        }

        foreach (Subscription subscription in Subscriptions)
        {
            length += 2 + FieldSize.String(subscription.TopicFilter, "Topic Filter") + 1;
            string? problem = TopicFilter.Check(subscription.TopicFilter, version, out bool isShared);
            if (problem is not null)
            {
                ThrowHelper.Invalid(MqttReasonCode.TopicFilterInvalid, "Topic Filter", problem);
            }

            if (isShared && subscription.Options.NoLocal)
            {
                // [MQTT-3.8.3-4] (5.0)
                ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "No Local", "No Local must be 0 on a shared subscription");
            }

            subscription.Options.ToByte(version);
        }

        return length;
    }

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
        writer.WriteUInt16(PacketIdentifier);
        if (version == MqttProtocolVersion.V500)
        {
            Properties.Write(ref writer, Properties.GetLength());
        }

        foreach (Subscription subscription in Subscriptions)
        {
            writer.WriteString(subscription.TopicFilter);
            writer.WriteByte(subscription.Options.ToByte(version));
        }
    }

    public static SubscribePacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        long offset = reader.Offset;
        ushort packetIdentifier = reader.ReadUInt16("Packet Identifier");
        if (packetIdentifier == 0)
        {
            // [MQTT-2.2.1-3] (5.0), [MQTT-2.3.1-1] (3.1.1)
            ThrowHelper.ProtocolError("Packet Identifier", offset, "SUBSCRIBE needs a non-zero packet identifier");
        }

        SubscribeProperties properties = version == MqttProtocolVersion.V500 ? SubscribeProperties.Read(ref reader) : default;
        if (reader.End)
        {
            // [MQTT-3.8.3-2] (5.0), [MQTT-3.8.3-3] (3.1.1): a SUBSCRIBE with no payload is a Protocol Error.
            ThrowHelper.ProtocolError("Payload", reader.Offset, "SUBSCRIBE needs at least one topic filter");
        }

        // First pass validates and counts, so the array is allocated once at its exact size.
        MqttReader counter = reader;
        int count = 0;
        while (!counter.End)
        {
            ReadSubscription(ref counter, version);
            count++;
        }

        var subscriptions = new Subscription[count];
        for (int i = 0; i < subscriptions.Length; i++)
        {
            subscriptions[i] = ReadSubscription(ref reader, version);
        }

        reader.ExpectEnd("SUBSCRIBE");
        return new SubscribePacket { PacketIdentifier = packetIdentifier, Properties = properties, Subscriptions = subscriptions };
    }

    private static Subscription ReadSubscription(ref MqttReader reader, MqttProtocolVersion version)
    {
        long filterOffset = reader.Offset;

        // [MQTT-3.8.3-1] a UTF-8 string; ReadString rejects ill-formed UTF-8 and U+0000 with 0x81.
        MqttString filter = reader.ReadString("Topic Filter");
        string? problem = TopicFilter.Check(filter, version, out bool isShared);
        if (problem is not null)
        {
            ThrowHelper.Throw(MqttReasonCode.TopicFilterInvalid, "Topic Filter", filterOffset, problem);
        }

        long optionsOffset = reader.Offset;
        SubscriptionOptionFlags options = SubscriptionOptionFlags.FromByte(reader.ReadByte("Subscription Options"), version, optionsOffset);
        if (isShared && options.NoLocal)
        {
            // [MQTT-3.8.3-4] (5.0)
            ThrowHelper.ProtocolError("No Local", optionsOffset, "No Local must be 0 on a shared subscription");
        }

        return new Subscription(filter, options);
    }
}
