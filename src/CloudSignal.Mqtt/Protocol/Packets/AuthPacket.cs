namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// AUTH (5.0 §3.15): one step of enhanced authentication (§4.12). MQTT 5.0 only; type 15
/// is reserved in 3.1.1, which the scanner rejects before this packet is read.
/// </summary>
/// <remarks>
/// <code>
/// byte 1            1111 0000   reserved flags, must be 0 [MQTT-3.15.1-1]
/// Remaining Length  VBI
/// Reason Code       one byte    0x00, 0x18 or 0x19 [MQTT-3.15.2-1]
/// Properties        VBI + list
/// </code>
/// Reason Code and Property Length are omitted together, and only for Success without
/// properties: Remaining Length 0 (§3.15.2.1). Unlike DISCONNECT, no Remaining Length 1 form
/// is defined, so a reason code without a Property Length is malformed.
/// <para>
/// "It is a Protocol Error to omit the Authentication Method" (§3.15.2.2.2), and every AUTH
/// carries the method of CONNECT [MQTT-4.12.0-5]. The one AUTH the spec lets go without it is
/// Success with no properties (§3.15.2.1), so the method is required in every other AUTH:
/// 0x18 and 0x19 always, and 0x00 as soon as it has any property (which also rejects
/// Authentication Data without a method).
/// </para>
/// </remarks>
internal readonly record struct AuthPacket(
    MqttReasonCode ReasonCode = MqttReasonCode.Success,
    AuthProperties Properties = default) : IMqttPacket
{
    public PacketType Type => PacketType.Auth;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.Auth);

    /// <summary>True for the short form: Success without properties, Remaining Length 0.</summary>
    private bool IsShortForm => ReasonCode == MqttReasonCode.Success && Properties.IsEmpty;

    public int GetRemainingLength(MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "AUTH", "AUTH needs MQTT 5.0; packet type 15 is reserved in 3.1.1");
        }

        if (!ReasonCodes.IsAllowed(PacketType.Auth, (byte)ReasonCode))
        {
            // [MQTT-3.15.2-1]
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Reason Code", $"0x{(byte)ReasonCode:X2} is not an AUTH reason code");
        }

        if (IsShortForm)
        {
            return 0;
        }

        if (Properties.AuthenticationMethod is null)
        {
            // §3.15.2.2.2
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Authentication Method", MissingMethod(ReasonCode));
        }

        return 1 + PropertyWriter.SizeWithLength(Properties.GetLength());
    }

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
        if (IsShortForm)
        {
            return;
        }

        writer.WriteByte((byte)ReasonCode);
        Properties.Write(ref writer, Properties.GetLength());
    }

    public static AuthPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        if (version != MqttProtocolVersion.V500)
        {
            // The scanner already refuses type 15 in 3.1.1; this keeps Read safe on its own.
            ThrowHelper.Malformed("Packet Type", 0, "control packet type 15 is reserved in MQTT 3.1.1");
        }

        if (reader.End)
        {
            // §3.15.2.1: Remaining Length 0 means 0x00 Success and no properties.
            return default;
        }

        long offset = reader.Offset;
        var reasonCode = (MqttReasonCode)reader.ReadByte("Reason Code");
        if (!ReasonCodes.IsAllowed(PacketType.Auth, (byte)reasonCode))
        {
            // [MQTT-3.15.2-1]: a value outside Table 3-11 cannot be parsed as a reason code.
            ThrowHelper.Malformed("Reason Code", offset, $"0x{(byte)reasonCode:X2} is not an AUTH reason code");
        }

        long propertiesOffset = reader.Offset;
        AuthProperties properties = AuthProperties.Read(ref reader);
        reader.ExpectEnd("AUTH");

        var packet = new AuthPacket(reasonCode, properties);
        if (!packet.IsShortForm && properties.AuthenticationMethod is null)
        {
            // §3.15.2.2.2
            ThrowHelper.ProtocolError("Authentication Method", propertiesOffset, MissingMethod(reasonCode));
        }

        return packet;
    }

    private static string MissingMethod(MqttReasonCode reasonCode) =>
        $"AUTH with reason 0x{(byte)reasonCode:X2} needs an Authentication Method; only Success without properties may omit it";
}
