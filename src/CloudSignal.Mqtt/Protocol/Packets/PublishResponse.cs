namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// The layout PUBACK, PUBREC, PUBREL and PUBCOMP share (5.0 §3.4–3.7, 3.1.1 §3.4–3.7).
/// <code>
/// Packet Identifier   two bytes, non-zero
/// Reason Code         one byte   (5.0; absent when Remaining Length is 2: Success)
/// Properties          VBI + list (5.0; absent when Remaining Length is 2 or 3)
/// </code>
/// We send the shortest form the content allows; we accept all three (5.0 §3.4.2.1).
/// </summary>
internal static class PublishResponse
{
    public static int GetRemainingLength(PacketType type, ushort packetIdentifier, MqttReasonCode reasonCode, in AckProperties properties, MqttProtocolVersion version)
    {
        if (packetIdentifier == 0)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Packet Identifier", $"{type} needs a non-zero packet identifier");
        }

        if (version != MqttProtocolVersion.V500)
        {
            if (reasonCode != MqttReasonCode.Success || !properties.IsEmpty)
            {
                ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Reason Code", $"MQTT 3.1.1 {type} carries no reason code or properties");
            }

            return 2;
        }

        if (!ReasonCodes.IsAllowed(type, (byte)reasonCode))
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Reason Code", $"0x{(byte)reasonCode:X2} is not a {type} reason code");
        }

        if (properties.IsEmpty)
        {
            return reasonCode == MqttReasonCode.Success ? 2 : 3;
        }

        return 3 + PropertyWriter.SizeWithLength(properties.GetLength());
    }

    public static void Write(ref MqttWriter writer, ushort packetIdentifier, MqttReasonCode reasonCode, in AckProperties properties, MqttProtocolVersion version)
    {
        writer.WriteUInt16(packetIdentifier);
        if (version != MqttProtocolVersion.V500 || (properties.IsEmpty && reasonCode == MqttReasonCode.Success))
        {
            return;
        }

        writer.WriteByte((byte)reasonCode);
        if (!properties.IsEmpty)
        {
            properties.Write(ref writer, properties.GetLength());
        }
    }

    public static void Read(
        ref MqttReader reader, PacketType type, MqttProtocolVersion version,
        out ushort packetIdentifier, out MqttReasonCode reasonCode, out AckProperties properties)
    {
        long offset = reader.Offset;
        packetIdentifier = reader.ReadUInt16("Packet Identifier");
        if (packetIdentifier == 0)
        {
            ThrowHelper.ProtocolError("Packet Identifier", offset, $"{type} needs a non-zero packet identifier");
        }

        reasonCode = MqttReasonCode.Success;
        properties = default;
        if (version == MqttProtocolVersion.V500 && !reader.End)
        {
            offset = reader.Offset;
            reasonCode = (MqttReasonCode)reader.ReadByte("Reason Code");
            if (!ReasonCodes.IsAllowed(type, (byte)reasonCode))
            {
                ThrowHelper.Malformed("Reason Code", offset, $"0x{(byte)reasonCode:X2} is not a {type} reason code");
            }

            if (!reader.End)
            {
                properties = AckProperties.Read(ref reader, PropertyContext.PublishResponse);
            }
        }

        reader.ExpectEnd(Name(type));
    }

    // Enum.ToString() boxes (24 B per call): the four names as literals, spelled as ToString() would.
    private static string Name(PacketType type) => type switch
    {
        PacketType.PubAck => nameof(PacketType.PubAck),
        PacketType.PubRec => nameof(PacketType.PubRec),
        PacketType.PubRel => nameof(PacketType.PubRel),
        _ => nameof(PacketType.PubComp),
    };
}
