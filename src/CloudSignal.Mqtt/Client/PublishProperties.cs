namespace CloudSignal.Mqtt;

/// <summary>MQTT 5.0 application-message properties (5.0 §3.3.2.3).</summary>
public sealed class PublishProperties
{
    /// <summary>MIME type of the payload.</summary>
    public string? ContentType { get; init; }

    /// <summary>Topic for a response (request/response pattern); no wildcards.</summary>
    public string? ResponseTopic { get; init; }

    /// <summary>Correlates a response with its request.</summary>
    public ReadOnlyMemory<byte>? CorrelationData { get; init; }

    /// <summary>Lifetime of the message at the broker.</summary>
    public TimeSpan? MessageExpiryInterval { get; init; }

    /// <summary>0: unspecified bytes; 1: UTF-8 text.</summary>
    public byte? PayloadFormatIndicator { get; init; }

    /// <summary>User properties as ordered name/value pairs (duplicates allowed, order kept).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> UserProperties { get; init; } = [];

    /// <summary>On received messages: the identifiers of the matching subscriptions.</summary>
    public IReadOnlyList<int> SubscriptionIdentifiers { get; init; } = [];
}
