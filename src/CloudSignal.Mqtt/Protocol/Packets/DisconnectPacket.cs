namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// DISCONNECT (5.0 §3.14, 3.1.1 §3.14): the last packet on a connection. 3.1.1 has no
/// variable header, so it is always <c>E0 00</c>; 5.0 adds a reason code and properties.
/// </summary>
/// <remarks>
/// <code>
/// byte 1            1110 0000   reserved flags, must be 0 [MQTT-3.14.1-1]
/// Remaining Length  VBI
/// Reason Code       one byte    (5.0; absent when Remaining Length is 0: Normal disconnection)
/// Properties        VBI + list  (5.0; absent when Remaining Length is below 2: none)
/// </code>
/// We send the shortest form the content allows and accept all three (5.0 §3.14.2.1, §3.14.2.2.1).
/// Any Table 3-10 code is accepted from either side: which side may send which code, like
/// the Session Expiry Interval rules, is the session's business.
/// </remarks>
internal readonly record struct DisconnectPacket(
    MqttReasonCode ReasonCode = MqttReasonCode.NormalDisconnection,
    DisconnectProperties Properties = default) : IMqttPacket
{
    public PacketType Type => PacketType.Disconnect;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.Disconnect);

    public int GetRemainingLength(MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500)
        {
            if (ReasonCode != MqttReasonCode.NormalDisconnection || !Properties.IsEmpty)
            {
                ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Reason Code", "MQTT 3.1.1 DISCONNECT carries no reason code or properties");
            }

            return 0;
        }

        if (!ReasonCodes.IsAllowed(PacketType.Disconnect, (byte)ReasonCode))
        {
            // [MQTT-3.14.2-1]
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Reason Code", $"0x{(byte)ReasonCode:X2} is not a DISCONNECT reason code");
        }

        if (Properties.IsEmpty)
        {
            return ReasonCode == MqttReasonCode.NormalDisconnection ? 0 : 1;
        }

        return 1 + PropertyWriter.SizeWithLength(Properties.GetLength());
    }

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500 || (Properties.IsEmpty && ReasonCode == MqttReasonCode.NormalDisconnection))
        {
            return;
        }

        writer.WriteByte((byte)ReasonCode);
        if (!Properties.IsEmpty)
        {
            Properties.Write(ref writer, Properties.GetLength());
        }
    }

    public static DisconnectPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500)
        {
            // 3.1.1 §3.14.2, §3.14.3: no variable header, no payload.
            reader.ExpectEnd("DISCONNECT");
            return default;
        }

        if (reader.End)
        {
            // §3.14.2.1: Remaining Length 0 means 0x00 Normal disconnection.
            return default;
        }

        long offset = reader.Offset;
        var reasonCode = (MqttReasonCode)reader.ReadByte("Reason Code");
        if (!ReasonCodes.IsAllowed(PacketType.Disconnect, (byte)reasonCode))
        {
            // [MQTT-3.14.2-1]: a value outside Table 3-10 cannot be parsed as a reason code.
            ThrowHelper.Malformed("Reason Code", offset, $"0x{(byte)reasonCode:X2} is not a DISCONNECT reason code");
        }

        // §3.14.2.2.1: below Remaining Length 2 there is no Property Length; 0 is used.
        DisconnectProperties properties = reader.End ? default : DisconnectProperties.Read(ref reader);
        reader.ExpectEnd("DISCONNECT");
        return new DisconnectPacket(reasonCode, properties);
    }
}
