namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// SUBSCRIBE properties (5.0 §3.8.2.1): one optional Subscription Identifier and User Properties.
/// Null means absent. Decoded user properties are a view over the property block.
/// </summary>
internal readonly record struct SubscribeProperties
{
    /// <summary>1 … 268,435,455 (5.0 §3.8.2.1.2); at most one in a SUBSCRIBE.</summary>
    public uint? SubscriptionIdentifier { get; init; }

    public UserProperties UserProperties { get; init; }

    public bool IsEmpty => SubscriptionIdentifier is null && UserProperties.Count == 0;

    /// <summary>Length of the property block (without its own length prefix); validates values.</summary>
    public int GetLength()
    {
        if (SubscriptionIdentifier is uint id)
        {
            // 0 or above the VBI maximum: Protocol Error, as the reader reports it.
            SubscriptionIdentifiers.Check(id);
        }

        return PropertyWriter.SizeVariable(SubscriptionIdentifier) + UserProperties.GetEncodedSize();
    }

    public void Write(ref MqttWriter writer, int length)
    {
        writer.WriteVariableByteInteger(length);
        PropertyWriter.WriteVariable(ref writer, PropertyId.SubscriptionIdentifier, SubscriptionIdentifier);
        UserProperties.Write(ref writer);
    }

    /// <summary>
    /// Reads the block. <see cref="PropertyReader"/> already rejects anything not allowed in
    /// SUBSCRIBE (0x81), a second Subscription Identifier (0x82) and an identifier of 0 (0x82).
    /// </summary>
    public static SubscribeProperties Read(ref MqttReader reader)
    {
        var properties = PropertyReader.Open(ref reader, PropertyContext.Subscribe);
        uint? subscriptionIdentifier = null;
        int userProperties = 0;
        while (properties.TryRead(out Property p))
        {
            if (p.Id == PropertyId.SubscriptionIdentifier)
            {
                subscriptionIdentifier = p.Integer;
            }
            else
            {
                userProperties++;
            }
        }

        return new SubscribeProperties
        {
            SubscriptionIdentifier = subscriptionIdentifier,
            UserProperties = UserProperties.FromBlock(properties.Block, properties.BlockOffset, userProperties),
        };
    }
}
