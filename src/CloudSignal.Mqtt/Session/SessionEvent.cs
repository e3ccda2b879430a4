namespace CloudSignal.Mqtt.Session;

internal enum SessionEventKind
{
    /// <summary>CONNACK accepted. <see cref="SessionEvent.Detail"/> is a <see cref="ConnectedInfo"/>.</summary>
    Connected,

    /// <summary>A QoS 0 publish was written, or a QoS 1/2 flow ended (success or failure, per <see cref="SessionEvent.ReasonCode"/>).</summary>
    PublishCompleted,

    /// <summary>SUBACK arrived; <see cref="SessionEvent.Detail"/> is the <see cref="MqttReasonCode"/>[] per filter.</summary>
    SubscribeCompleted,

    /// <summary>UNSUBACK arrived; <see cref="SessionEvent.Detail"/> is the <see cref="MqttReasonCode"/>[] per filter (3.1.1: all Success).</summary>
    UnsubscribeCompleted,

    /// <summary>The connection is over. <see cref="SessionEvent.Detail"/> is a <see cref="CloseInfo"/>.</summary>
    Closed,
}

/// <summary>
/// One thing the application should learn about. Polled with <see cref="MqttSession.TryPollEvent"/>;
/// a struct in a queue, so completions cost no allocation.
/// </summary>
internal readonly record struct SessionEvent(
    SessionEventKind Kind,
    long Token = 0,
    MqttReasonCode ReasonCode = MqttReasonCode.Success,
    string? ReasonString = null,
    object? Detail = null)
{
    public bool IsSuccess => (byte)ReasonCode < 0x80;
}

/// <summary>Why the connection ended.</summary>
internal enum CloseReason
{
    /// <summary>We sent DISCONNECT (<see cref="MqttSession.Disconnect"/>).</summary>
    LocalDisconnect,

    /// <summary>The server refused CONNECT (CONNACK code ≥ 0x80 / 3.1.1 return code ≠ 0).</summary>
    ConnectionRefused,

    /// <summary>No CONNACK within the connect timeout.</summary>
    ConnectTimeout,

    /// <summary>No PINGRESP within the response timeout.</summary>
    KeepAliveTimeout,

    /// <summary>The server sent DISCONNECT (5.0).</summary>
    ServerDisconnect,

    /// <summary>The server broke the protocol; we closed (5.0: with a DISCONNECT carrying the code).</summary>
    ProtocolViolation,

    /// <summary>The transport went away (<see cref="MqttSession.HandleConnectionLost"/>).</summary>
    ConnectionLost,
}

/// <summary>Details of a <see cref="SessionEventKind.Closed"/> event.</summary>
internal sealed record CloseInfo(
    CloseReason Reason,
    MqttReasonCode ReasonCode,
    string Message,
    string? ReasonString = null,
    string? ServerReference = null);

/// <summary>What the CONNACK said, with the server limits now in force (5.0 §3.2.2.3).</summary>
internal sealed record ConnectedInfo(
    bool SessionPresent,
    string? AssignedClientIdentifier,
    TimeSpan KeepAlive,
    ushort ServerReceiveMaximum,
    MqttQos MaximumQoS,
    bool RetainAvailable,
    uint MaximumPacketSize,
    ushort TopicAliasMaximum,
    bool WildcardSubscriptionAvailable,
    bool SubscriptionIdentifiersAvailable,
    bool SharedSubscriptionAvailable,
    string? ResponseInformation,
    string? ServerReference,
    string? ReasonString,
    uint? SessionExpiryInterval);
