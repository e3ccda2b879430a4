namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// DISCONNECT properties (5.0 §3.14.2.2). Null means absent. Decoded strings are slices of
/// the packet and user properties a view over the property block.
/// </summary>
/// <remarks>
/// Rules that depend on the connection are the session's, not the codec's: a server MUST NOT
/// send Session Expiry Interval [MQTT-3.14.2-2], and a client MUST NOT set a non-zero one
/// after CONNECT had 0 (§3.14.2.2.2); the Reason String and User Properties MUST NOT push the
/// packet past the receiver's Maximum Packet Size [MQTT-3.14.2-3], [MQTT-3.14.2-4].
/// </remarks>
internal readonly record struct DisconnectProperties
{
    /// <summary>Seconds (§3.14.2.2.2); absent means the value sent in CONNECT stands.</summary>
    public uint? SessionExpiryInterval { get; init; }

    /// <summary>Another server to use, with 0x9C/0x9D (§3.14.2.2.5, §4.11).</summary>
    public MqttString? ServerReference { get; init; }

    public MqttString? ReasonString { get; init; }

    public UserProperties UserProperties { get; init; }

    public bool IsEmpty =>
        SessionExpiryInterval is null && ServerReference is null && ReasonString is null && UserProperties.Count == 0;

    /// <summary>Length of the property block (without its own length prefix); validates the strings.</summary>
    public int GetLength() =>
        PropertyWriter.Size(SessionExpiryInterval)
        + PropertyWriter.Size(ServerReference, "Server Reference")
        + PropertyWriter.Size(ReasonString, "Reason String")
        + UserProperties.GetEncodedSize();

    /// <summary>Property Length, then the properties in ascending identifier order.</summary>
    public void Write(ref MqttWriter writer, int length)
    {
        writer.WriteVariableByteInteger(length);
        PropertyWriter.Write(ref writer, PropertyId.SessionExpiryInterval, SessionExpiryInterval);
        PropertyWriter.Write(ref writer, PropertyId.ServerReference, ServerReference);
        PropertyWriter.Write(ref writer, PropertyId.ReasonString, ReasonString);
        UserProperties.Write(ref writer);
    }

    /// <summary>
    /// Reads the Property Length and the block. <see cref="PropertyReader"/> enforces placement
    /// (0x81) and repeats (0x82, "more than once" in each of §3.14.2.2.2–5).
    /// </summary>
    public static DisconnectProperties Read(ref MqttReader reader)
    {
        var properties = PropertyReader.Open(ref reader, PropertyContext.Disconnect);
        uint? sessionExpiry = null;
        MqttString? serverReference = null, reasonString = null;
        int userProperties = 0;
        while (properties.TryRead(out Property p))
        {
            switch (p.Id)
            {
                case PropertyId.SessionExpiryInterval: sessionExpiry = p.Integer; break;
                case PropertyId.ServerReference: serverReference = p.Text; break;
                case PropertyId.ReasonString: reasonString = p.Text; break;
                default: userProperties++; break;
            }
        }

        return new DisconnectProperties
        {
            SessionExpiryInterval = sessionExpiry,
            ServerReference = serverReference,
            ReasonString = reasonString,
            UserProperties = UserProperties.FromBlock(properties.Block, properties.BlockOffset, userProperties),
        };
    }
}
