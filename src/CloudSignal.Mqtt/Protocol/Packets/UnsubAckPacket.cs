namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// UNSUBACK (5.0 §3.11, 3.1.1 §3.11).
/// </summary>
/// <remarks>
/// <code>
/// byte 1        1011 0000
/// Remaining Length (VBI)   3.1.1: always 2
/// Packet Id     two bytes, the UNSUBSCRIBE's (non-zero)
/// Properties    VBI length + Reason String, User Properties (5.0 only)
/// Payload       5.0 only: 1+ reason codes, one per Topic Filter, in order [MQTT-3.11.3-1]
/// </code>
/// 5.0 defines no short form (unlike PUBACK): the Property Length and the codes are always there.
/// </remarks>
internal readonly record struct UnsubAckPacket : IMqttPacket
{
    public PacketType Type => PacketType.UnsubAck;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.UnsubAck);

    public ushort PacketIdentifier { get; init; }

    /// <summary>5.0 only.</summary>
    public AckProperties Properties { get; init; }

    /// <summary>5.0 only: codes from the UNSUBACK table (Table 3-9) [MQTT-3.11.3-2]. Empty in 3.1.1.</summary>
    public PacketList<MqttReasonCode> ReasonCodes { get; init; }

    public int GetRemainingLength(MqttProtocolVersion version)
    {
        if (PacketIdentifier == 0)
        {
            // 5.0 §2.2.1, 3.1.1 §2.3.1: it echoes the UNSUBSCRIBE's identifier, which is never 0.
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Packet Identifier", "UNSUBACK needs a non-zero packet identifier");
        }

        if (version != MqttProtocolVersion.V500)
        {
            if (ReasonCodes.Count != 0 || !Properties.IsEmpty)
            {
                ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Reason Codes", "MQTT 3.1.1 UNSUBACK carries no reason codes or properties");
            }

            return 2;
        }

        if (ReasonCodes.Count == 0)
        {
            // One code per Topic Filter, and an UNSUBSCRIBE has at least one.
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Payload", "UNSUBACK needs at least one reason code");
        }

        foreach (MqttReasonCode code in ReasonCodes)
        {
            if (!Protocol.ReasonCodes.IsAllowed(PacketType.UnsubAck, (byte)code))
            {
                ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Reason Code", $"0x{(byte)code:X2} is not an UNSUBACK reason code");
            }
        }

        return 2 + PropertyWriter.SizeWithLength(Properties.GetLength()) + ReasonCodes.Count;
    }

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
        writer.WriteUInt16(PacketIdentifier);
        if (version != MqttProtocolVersion.V500)
        {
            return;
        }

        Properties.Write(ref writer, Properties.GetLength());
        foreach (MqttReasonCode code in ReasonCodes)
        {
            writer.WriteByte((byte)code);
        }
    }

    public static UnsubAckPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        long offset = reader.Offset;
        ushort packetIdentifier = reader.ReadUInt16("Packet Identifier");
        if (packetIdentifier == 0)
        {
            // 5.0 §2.2.1, 3.1.1 §2.3.1: it echoes the UNSUBSCRIBE's identifier, which is never 0.
            ThrowHelper.ProtocolError("Packet Identifier", offset, "UNSUBACK needs a non-zero packet identifier");
        }

        if (version != MqttProtocolVersion.V500)
        {
            // 3.1.1 §3.11.1: Remaining Length is 2.
            reader.ExpectEnd("UNSUBACK");
            return new UnsubAckPacket { PacketIdentifier = packetIdentifier };
        }

        AckProperties properties = AckProperties.Read(ref reader, PropertyContext.UnsubAck);
        if (reader.End)
        {
            // One code per Topic Filter, and an UNSUBSCRIBE has at least one [MQTT-3.11.3-2].
            ThrowHelper.ProtocolError("Payload", reader.Offset, "UNSUBACK needs at least one reason code");
        }

        // Every remaining byte is one code, so the count is known before reading.
        var codes = new MqttReasonCode[(int)reader.Remaining];
        for (int i = 0; i < codes.Length; i++)
        {
            offset = reader.Offset;
            byte code = reader.ReadByte("Reason Code");
            if (!Protocol.ReasonCodes.IsAllowed(PacketType.UnsubAck, code))
            {
                // 5.0 Table 3-9 [MQTT-3.11.3-2]; an unknown code is 0x81 like every reason code field.
                ThrowHelper.Malformed("Reason Code", offset, $"0x{code:X2} is not an UNSUBACK reason code");
            }

            codes[i] = (MqttReasonCode)code;
        }

        reader.ExpectEnd("UNSUBACK");
        return new UnsubAckPacket { PacketIdentifier = packetIdentifier, Properties = properties, ReasonCodes = codes };
    }
}
