namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// AUTH properties (5.0 §3.15.2.2). Null means absent. Decoded strings and data are slices
/// of the packet and user properties a view over the property block.
/// </summary>
/// <remarks>
/// Whether the Authentication Method matches the one in CONNECT [MQTT-4.12.0-5] is the
/// session's check; the codec only checks that it is present where the packet needs it
/// (see <see cref="AuthPacket"/>).
/// </remarks>
internal readonly record struct AuthProperties
{
    public MqttString? AuthenticationMethod { get; init; }

    /// <summary>Defined by the method (§3.15.2.2.3); meaningless without <see cref="AuthenticationMethod"/>.</summary>
    public MqttBinary? AuthenticationData { get; init; }

    public MqttString? ReasonString { get; init; }

    public UserProperties UserProperties { get; init; }

    public bool IsEmpty =>
        AuthenticationMethod is null && AuthenticationData is null && ReasonString is null && UserProperties.Count == 0;

    /// <summary>Length of the property block (without its own length prefix); validates the fields.</summary>
    public int GetLength() =>
        PropertyWriter.Size(AuthenticationMethod, "Authentication Method")
        + PropertyWriter.Size(AuthenticationData, "Authentication Data")
        + PropertyWriter.Size(ReasonString, "Reason String")
        + UserProperties.GetEncodedSize();

    /// <summary>Property Length, then the properties in ascending identifier order.</summary>
    public void Write(ref MqttWriter writer, int length)
    {
        writer.WriteVariableByteInteger(length);
        PropertyWriter.Write(ref writer, PropertyId.AuthenticationMethod, AuthenticationMethod);
        PropertyWriter.Write(ref writer, PropertyId.AuthenticationData, AuthenticationData);
        PropertyWriter.Write(ref writer, PropertyId.ReasonString, ReasonString);
        UserProperties.Write(ref writer);
    }

    /// <summary>
    /// Reads the Property Length and the block. <see cref="PropertyReader"/> enforces placement
    /// (0x81) and repeats (0x82, "more than once" in each of §3.15.2.2.2–4).
    /// </summary>
    public static AuthProperties Read(ref MqttReader reader)
    {
        var properties = PropertyReader.Open(ref reader, PropertyContext.Auth);
        MqttString? method = null, reasonString = null;
        MqttBinary? data = null;
        int userProperties = 0;
        while (properties.TryRead(out Property p))
        {
            switch (p.Id)
            {
                case PropertyId.AuthenticationMethod: method = p.Text; break;
                case PropertyId.AuthenticationData: data = p.Binary; break;
                case PropertyId.ReasonString: reasonString = p.Text; break;
                default: userProperties++; break;
            }
        }

        return new AuthProperties
        {
            AuthenticationMethod = method,
            AuthenticationData = data,
            ReasonString = reasonString,
            UserProperties = UserProperties.FromBlock(properties.Block, properties.BlockOffset, userProperties),
        };
    }
}
