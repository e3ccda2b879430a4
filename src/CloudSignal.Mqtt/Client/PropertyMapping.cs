using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Client;

/// <summary>Converts between the public option/property types and the codec's wire types.</summary>
internal static class PropertyMapping
{
    private static readonly PublishProperties Empty = new();

    public static PublishPacketProperties ToWire(PublishProperties? p) => p is null ? default : new PublishPacketProperties
    {
        ContentType = p.ContentType is { } contentType ? new MqttString(contentType) : default(MqttString?),
        ResponseTopic = p.ResponseTopic is { } responseTopic ? new MqttString(responseTopic) : default(MqttString?),
        CorrelationData = p.CorrelationData is { } correlation ? new MqttBinary(correlation) : default(MqttBinary?),
        MessageExpiryInterval = p.MessageExpiryInterval is { } expiry ? (uint)Math.Clamp(expiry.TotalSeconds, 0, uint.MaxValue) : null,
        PayloadFormatIndicator = p.PayloadFormatIndicator,
        UserProperties = ToWire(p.UserProperties),
    };

    public static UserProperty[] ToWire(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        if (pairs.Count == 0)
        {
            return [];
        }

        var wire = new UserProperty[pairs.Count];
        for (int i = 0; i < wire.Length; i++)
        {
            wire[i] = new UserProperty(pairs[i].Key, pairs[i].Value);
        }

        return wire;
    }

    public static WillProperties ToWillWire(WillMessage will)
    {
        PublishProperties? p = will.Properties;
        return new WillProperties
        {
            WillDelayInterval = will.DelayInterval > TimeSpan.Zero ? (uint)Math.Min(uint.MaxValue, will.DelayInterval.TotalSeconds) : null,
            ContentType = p?.ContentType is { } contentType ? new MqttString(contentType) : default(MqttString?),
            ResponseTopic = p?.ResponseTopic is { } responseTopic ? new MqttString(responseTopic) : default(MqttString?),
            CorrelationData = p?.CorrelationData is { } correlation ? new MqttBinary(correlation) : default(MqttBinary?),
            MessageExpiryInterval = p?.MessageExpiryInterval is { } expiry ? (uint)Math.Clamp(expiry.TotalSeconds, 0, uint.MaxValue) : null,
            PayloadFormatIndicator = p?.PayloadFormatIndicator,
            UserProperties = p is null ? [] : ToWire(p.UserProperties),
        };
    }

    /// <summary>Copies a received PUBLISH's properties out of the receive buffer.</summary>
    public static PublishProperties FromWire(in PublishPacketProperties p)
    {
        if (p == default)
        {
            return Empty;
        }

        List<KeyValuePair<string, string>>? user = null;
        foreach (UserProperty u in p.UserProperties)
        {
            (user ??= []).Add(new KeyValuePair<string, string>(u.Name.ToString(), u.Value.ToString()));
        }

        List<int>? ids = null;
        foreach (uint id in p.SubscriptionIdentifiers)
        {
            (ids ??= []).Add((int)id);
        }

        return new PublishProperties
        {
            ContentType = p.ContentType?.ToString(),
            ResponseTopic = p.ResponseTopic?.ToString(),
            CorrelationData = p.CorrelationData?.ToArray(),
            MessageExpiryInterval = p.MessageExpiryInterval is uint seconds ? TimeSpan.FromSeconds(seconds) : null,
            PayloadFormatIndicator = p.PayloadFormatIndicator,
            UserProperties = (IReadOnlyList<KeyValuePair<string, string>>?)user ?? [],
            SubscriptionIdentifiers = (IReadOnlyList<int>?)ids ?? [],
        };
    }
}
