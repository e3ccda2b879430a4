namespace CloudSignal.Mqtt;

/// <summary>The outcome of a publish: QoS 0 when written, QoS 1 at PUBACK, QoS 2 at PUBCOMP (or a failed PUBREC).</summary>
public sealed class PublishResult
{
    /// <summary>Creates a result.</summary>
    public PublishResult(MqttReasonCode reasonCode, string? reasonString = null)
    {
        ReasonCode = reasonCode;
        ReasonString = reasonString;
    }

    private static readonly PublishResult Success = new(MqttReasonCode.Success);
    private static readonly PublishResult NoMatchingSubscribers = new(MqttReasonCode.NoMatchingSubscribers);

    /// <summary>A shared instance for the common outcomes (results are immutable), a new one otherwise.</summary>
    internal static PublishResult For(MqttReasonCode reasonCode, string? reasonString) => (reasonCode, reasonString) switch
    {
        (MqttReasonCode.Success, null) => Success,
        (MqttReasonCode.NoMatchingSubscribers, null) => NoMatchingSubscribers,
        _ => new PublishResult(reasonCode, reasonString),
    };

    /// <summary>The broker's reason code (always Success under 3.1.1 and QoS 0).</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>MQTT 5.0: the broker's human-readable reason, if any.</summary>
    public string? ReasonString { get; }

    /// <summary>True when <see cref="ReasonCode"/> is below 0x80.</summary>
    public bool IsSuccess => (byte)ReasonCode < 0x80;
}

/// <summary>The outcome of a subscribe: one granted QoS or failure code per topic filter, in order.</summary>
public sealed class SubscribeResult
{
    /// <summary>Creates a result.</summary>
    public SubscribeResult(IReadOnlyList<MqttReasonCode> reasonCodes, string? reasonString = null)
    {
        ReasonCodes = reasonCodes;
        ReasonString = reasonString;
    }

    /// <summary>Per filter: GrantedQoS0/1/2 or a failure code (≥ 0x80; 3.1.1 failure is 0x80).</summary>
    public IReadOnlyList<MqttReasonCode> ReasonCodes { get; }

    /// <summary>MQTT 5.0: the broker's human-readable reason, if any.</summary>
    public string? ReasonString { get; }

    /// <summary>True when every filter was granted.</summary>
    public bool IsSuccess => ReasonCodes.All(c => (byte)c < 0x80);

    /// <summary>The QoS granted to the first filter (for the one-filter overloads).</summary>
    public MqttQos GrantedQos => IsSuccess ? (MqttQos)ReasonCodes[0] : throw new InvalidOperationException($"Subscription refused: {ReasonCodes[0]}");
}
