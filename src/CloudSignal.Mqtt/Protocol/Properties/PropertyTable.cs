namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Spec Table 2-4 as data: for each property, its wire type, the packets that may carry it,
/// and whether it may repeat. Reader and writer both consult this one table.
/// </summary>
internal static class PropertyTable
{
    internal readonly record struct Entry(PropertyType Type, PropertyContext AllowedIn, PropertyContext RepeatableIn);

    private const PropertyContext Message = PropertyContext.Publish | PropertyContext.Will;
    private const PropertyContext Acks = PropertyContext.PublishResponse | PropertyContext.SubAck | PropertyContext.UnsubAck;

    private static readonly Entry[] Entries = Build();

    /// <summary>The entry for <paramref name="id"/>, or false for an identifier the spec does not define.</summary>
    public static bool TryGet(int id, out Entry entry)
    {
        if ((uint)id < (uint)Entries.Length && Entries[id].AllowedIn != PropertyContext.None)
        {
            entry = Entries[id];
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>Every defined identifier, in ascending order.</summary>
    public static IEnumerable<PropertyId> All()
    {
        for (int id = 0; id < Entries.Length; id++)
        {
            if (Entries[id].AllowedIn != PropertyContext.None)
            {
                yield return (PropertyId)id;
            }
        }
    }

    private static Entry[] Build()
    {
        var e = new Entry[(int)PropertyId.SharedSubscriptionAvailable + 1];
        void Add(PropertyId id, PropertyType type, PropertyContext allowed, PropertyContext repeatable = PropertyContext.None) =>
            e[(int)id] = new Entry(type, allowed, repeatable);

        Add(PropertyId.PayloadFormatIndicator, PropertyType.Byte, Message);
        Add(PropertyId.MessageExpiryInterval, PropertyType.FourByteInteger, Message);
        Add(PropertyId.ContentType, PropertyType.Utf8String, Message);
        Add(PropertyId.ResponseTopic, PropertyType.Utf8String, Message);
        Add(PropertyId.CorrelationData, PropertyType.BinaryData, Message);

        // A server may send several in one PUBLISH (one per matching subscription); SUBSCRIBE carries one.
        Add(PropertyId.SubscriptionIdentifier, PropertyType.VariableByteInteger, PropertyContext.Publish | PropertyContext.Subscribe, PropertyContext.Publish);
        Add(PropertyId.SessionExpiryInterval, PropertyType.FourByteInteger, PropertyContext.Connect | PropertyContext.ConnAck | PropertyContext.Disconnect);
        Add(PropertyId.AssignedClientIdentifier, PropertyType.Utf8String, PropertyContext.ConnAck);
        Add(PropertyId.ServerKeepAlive, PropertyType.TwoByteInteger, PropertyContext.ConnAck);
        Add(PropertyId.AuthenticationMethod, PropertyType.Utf8String, PropertyContext.Connect | PropertyContext.ConnAck | PropertyContext.Auth);
        Add(PropertyId.AuthenticationData, PropertyType.BinaryData, PropertyContext.Connect | PropertyContext.ConnAck | PropertyContext.Auth);
        Add(PropertyId.RequestProblemInformation, PropertyType.Byte, PropertyContext.Connect);
        Add(PropertyId.WillDelayInterval, PropertyType.FourByteInteger, PropertyContext.Will);
        Add(PropertyId.RequestResponseInformation, PropertyType.Byte, PropertyContext.Connect);
        Add(PropertyId.ResponseInformation, PropertyType.Utf8String, PropertyContext.ConnAck);
        Add(PropertyId.ServerReference, PropertyType.Utf8String, PropertyContext.ConnAck | PropertyContext.Disconnect);
        Add(PropertyId.ReasonString, PropertyType.Utf8String, PropertyContext.ConnAck | Acks | PropertyContext.Disconnect | PropertyContext.Auth);
        Add(PropertyId.ReceiveMaximum, PropertyType.TwoByteInteger, PropertyContext.Connect | PropertyContext.ConnAck);
        Add(PropertyId.TopicAliasMaximum, PropertyType.TwoByteInteger, PropertyContext.Connect | PropertyContext.ConnAck);
        Add(PropertyId.TopicAlias, PropertyType.TwoByteInteger, PropertyContext.Publish);
        Add(PropertyId.MaximumQoS, PropertyType.Byte, PropertyContext.ConnAck);
        Add(PropertyId.RetainAvailable, PropertyType.Byte, PropertyContext.ConnAck);
        Add(PropertyId.UserProperty, PropertyType.Utf8StringPair, PropertyContext.All, PropertyContext.All);
        Add(PropertyId.MaximumPacketSize, PropertyType.FourByteInteger, PropertyContext.Connect | PropertyContext.ConnAck);
        Add(PropertyId.WildcardSubscriptionAvailable, PropertyType.Byte, PropertyContext.ConnAck);
        Add(PropertyId.SubscriptionIdentifierAvailable, PropertyType.Byte, PropertyContext.ConnAck);
        Add(PropertyId.SharedSubscriptionAvailable, PropertyType.Byte, PropertyContext.ConnAck);
        return e;
    }
}
