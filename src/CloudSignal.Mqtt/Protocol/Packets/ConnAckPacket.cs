namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// CONNACK (5.0 §3.2, 3.1.1 §3.2): the server's answer to CONNECT.
/// </summary>
/// <remarks>
/// <code>
/// Acknowledge Flags   bits 7–1 reserved (0), bit 0 Session Present
/// Reason Code         5.0: a code from Table 3-1; 3.1.1: Connect Return Code 0–5
/// Properties          VBI length + properties (5.0 only; always present, there is no short form)
/// </code>
/// <see cref="ReasonCode"/> holds the byte as sent, for both levels; <see cref="ReturnCode"/>
/// views the same byte as a 3.1.1 return code.
/// </remarks>
internal readonly record struct ConnAckPacket : IMqttPacket
{
    public PacketType Type => PacketType.ConnAck;

    public byte FixedHeaderFlags => 0;

    public bool SessionPresent { get; init; }

    /// <summary>The Reason Code (5.0) or Connect Return Code (3.1.1) byte; 0 means accepted in both.</summary>
    public MqttReasonCode ReasonCode { get; init; }

    /// <summary>The same byte as <see cref="ReasonCode"/>, typed as a 3.1.1 Connect Return Code.</summary>
    public ConnectReturnCode ReturnCode
    {
        get => (ConnectReturnCode)ReasonCode;
        init => ReasonCode = (MqttReasonCode)value;
    }

    public ConnAckProperties Properties { get; init; }

    public int GetRemainingLength(MqttProtocolVersion version)
    {
        bool v5 = version == MqttProtocolVersion.V500;
        if (v5 ? !ReasonCodes.IsAllowed(PacketType.ConnAck, (byte)ReasonCode) : (byte)ReasonCode > (byte)ConnectReturnCode.NotAuthorized)
        {
            // 5.0 [MQTT-3.2.2-8]; 3.1.1 Table 3.1 (6–255 reserved).
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Reason Code", $"0x{(byte)ReasonCode:X2} is not a {version} CONNACK code");
        }

        if (SessionPresent && ReasonCode != MqttReasonCode.Success)
        {
            // 3.1.1 [MQTT-3.2.2-4], 5.0 [MQTT-3.2.2-6].
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Session Present", "must be 0 when the connection is refused");
        }

        if (v5)
        {
            return 2 + PropertyWriter.SizeWithLength(Properties.GetLength());
        }

        if (Properties != default)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Properties", "CONNACK properties need MQTT 5.0");
        }

        return 2;
    }

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
        writer.WriteByte(SessionPresent ? (byte)0x01 : (byte)0x00);
        writer.WriteByte((byte)ReasonCode);
        if (version == MqttProtocolVersion.V500)
        {
            Properties.Write(ref writer, Properties.GetLength());
        }
    }

    public static ConnAckPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        bool v5 = version == MqttProtocolVersion.V500;
        long flagsOffset = reader.Offset;
        byte flags = reader.ReadByte("Connect Acknowledge Flags");
        if ((flags & 0xFE) != 0)
        {
            // 5.0 [MQTT-3.2.2-1]; 3.1.1 §3.2.2.1 ("Bits 7-1 are reserved and MUST be set to 0").
            ThrowHelper.Malformed("Connect Acknowledge Flags", flagsOffset, $"reserved bits are set (0x{flags:X2})");
        }

        long offset = reader.Offset;
        byte code = reader.ReadByte(v5 ? "Reason Code" : "Connect Return Code");
        if (v5 ? !ReasonCodes.IsAllowed(PacketType.ConnAck, code) : code > (byte)ConnectReturnCode.NotAuthorized)
        {
            // 5.0 [MQTT-3.2.2-8]: only Table 3-1 codes; 3.1.1 Table 3.1: 6–255 are reserved.
            // An unknown value cannot be interpreted, so 0x81 as for every other packet's reason code.
            ThrowHelper.Malformed(v5 ? "Reason Code" : "Connect Return Code", offset, $"0x{code:X2} is not a CONNACK code");
        }

        bool sessionPresent = (flags & 0x01) != 0;
        if (sessionPresent && code != 0)
        {
            // 3.1.1 [MQTT-3.2.2-4], 5.0 [MQTT-3.2.2-6]: well-formed bytes that break a rule.
            ThrowHelper.ProtocolError("Session Present", flagsOffset, "Session Present is set on a refused connection");
        }

        ConnAckProperties properties = v5 ? ConnAckProperties.Read(ref reader) : default;
        reader.ExpectEnd("CONNACK");
        return new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = (MqttReasonCode)code, Properties = properties };
    }
}
