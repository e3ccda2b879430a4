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
/// <param name="Reason">Why the connection ended.</param>
/// <param name="ReasonCode">
/// Always a 5.0 code, under 3.1.1 too: a 3.1.1 refusal carries its Table 3-1 equivalent
/// (return code 1 → 0x84, 2 → 0x85, 3 → 0x88, 4 → 0x86, 5 → 0x87), so a code ≥ 0x80 means failure
/// at both levels; <paramref name="ReturnCode"/> keeps the byte the 3.1.1 server sent.
/// </param>
/// <param name="Message">What happened, for logs.</param>
/// <param name="ReasonString">The server's Reason String (5.0 CONNACK or DISCONNECT), if any.</param>
/// <param name="ServerReference">The server's Server Reference (5.0 CONNACK or DISCONNECT), if any.</param>
/// <param name="ReturnCode">The 3.1.1 Connect Return Code of a refusal; null otherwise.</param>
internal sealed record CloseInfo(
    CloseReason Reason,
    MqttReasonCode ReasonCode,
    string Message,
    string? ReasonString = null,
    string? ServerReference = null,
    ConnectReturnCode? ReturnCode = null);

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
