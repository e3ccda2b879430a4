namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// SUBACK (5.0 §3.9, 3.1.1 §3.9): one reason code (3.1.1: return code) per Topic Filter of the
/// SUBSCRIBE, in the same order [MQTT-3.9.3-1].
/// </summary>
/// <remarks>
/// <code>
/// byte 1        1001 0000
/// Remaining Length (VBI)
/// Packet Id     two bytes, the SUBSCRIBE's (non-zero)
/// Properties    VBI length + Reason String, User Properties (5.0 only)
/// Payload       1+ reason code bytes
/// </code>
/// 3.1.1 allows only 0x00, 0x01, 0x02 and 0x80 [MQTT-3.9.3-2]; 5.0 allows the SUBACK table
/// (Table 3-8). An unknown code is 0x81, as for every other reason code field.
/// </remarks>
internal readonly record struct SubAckPacket : IMqttPacket
{
    public PacketType Type => PacketType.SubAck;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.SubAck);

    public ushort PacketIdentifier { get; init; }

    /// <summary>5.0 only.</summary>
    public AckProperties Properties { get; init; }

    public PacketList<MqttReasonCode> ReasonCodes { get; init; }

    public int GetRemainingLength(MqttProtocolVersion version)
    {
        if (PacketIdentifier == 0)
        {
            // 5.0 §2.2.1, 3.1.1 §2.3.1: it echoes the SUBSCRIBE's identifier, which is never 0.
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Packet Identifier", "SUBACK needs a non-zero packet identifier");
        }

        if (ReasonCodes.Count == 0)
        {
            // One code per Topic Filter, and a SUBSCRIBE has at least one.
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Payload", "SUBACK needs at least one reason code");
        }

        foreach (MqttReasonCode code in ReasonCodes)
        {
            if (!IsAllowed((byte)code, version))
            {
                ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Reason Code", $"0x{(byte)code:X2} is not a {Describe(version)} code");
            }
        }

        int length = 2 + ReasonCodes.Count;
        if (version == MqttProtocolVersion.V500)
        {
            length += PropertyWriter.SizeWithLength(Properties.GetLength());
        }
        else if (!Properties.IsEmpty)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Properties", "SUBACK properties need MQTT 5.0");
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

        foreach (MqttReasonCode code in ReasonCodes)
        {
            writer.WriteByte((byte)code);
        }
    }

    public static SubAckPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        long offset = reader.Offset;
        ushort packetIdentifier = reader.ReadUInt16("Packet Identifier");
        if (packetIdentifier == 0)
        {
            // 5.0 §2.2.1, 3.1.1 §2.3.1: it echoes the SUBSCRIBE's identifier, which is never 0.
            ThrowHelper.ProtocolError("Packet Identifier", offset, "SUBACK needs a non-zero packet identifier");
        }

        AckProperties properties = version == MqttProtocolVersion.V500 ? AckProperties.Read(ref reader, PropertyContext.SubAck) : default;
        if (reader.End)
        {
            // One code per Topic Filter, and a SUBSCRIBE has at least one (5.0 [MQTT-3.9.3-2]).
            ThrowHelper.ProtocolError("Payload", reader.Offset, "SUBACK needs at least one reason code");
        }

        // Every remaining byte is one code, so the count is known before reading.
        var codes = new MqttReasonCode[(int)reader.Remaining];
        for (int i = 0; i < codes.Length; i++)
        {
            offset = reader.Offset;
            byte code = reader.ReadByte("Reason Code");
            if (!IsAllowed(code, version))
            {
                // 3.1.1 [MQTT-3.9.3-2]; 5.0 Table 3-8.
                ThrowHelper.Malformed("Reason Code", offset, $"0x{code:X2} is not a {Describe(version)} code");
            }

            codes[i] = (MqttReasonCode)code;
        }

        reader.ExpectEnd("SUBACK");
        return new SubAckPacket { PacketIdentifier = packetIdentifier, Properties = properties, ReasonCodes = codes };
    }

    private static bool IsAllowed(byte code, MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V500
            ? Protocol.ReasonCodes.IsAllowed(PacketType.SubAck, code)
            : code is 0x00 or 0x01 or 0x02 or 0x80;

    private static string Describe(MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V500 ? "SUBACK reason" : "MQTT 3.1.1 SUBACK return";
}
