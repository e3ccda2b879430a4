namespace CloudSignal.Mqtt;

/// <summary>
/// Client options, with the CloudSignal defaults: MQTT 5.0, clean session, keep alive 60 s,
/// connect timeout 30 s, reconnect period 1 s.
/// </summary>
public sealed class CloudSignalOptions
{
    /// <summary>MQTT 5.0 (default) or 3.1.1.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V500;

    /// <summary>Clean Session (3.1.1) / Clean Start (5.0). False needs a stable <see cref="ConnectParameters.ClientId"/>.</summary>
    public bool CleanSession { get; init; } = true;

    /// <summary>Keep alive period, sent in whole seconds; <see cref="TimeSpan.Zero"/> disables it.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long to wait for PINGRESP before declaring the connection dead; null (default) = half the
    /// keep alive period: a silent broker is detected within 1.5 × keep alive.
    /// </summary>
    public TimeSpan? PingResponseTimeout { get; init; }

    /// <summary>Upper bound for one connection attempt: transport, TLS and CONNACK.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Delay before the first reconnect attempt after an unexpected loss; later attempts double it up
    /// to <see cref="MaxReconnectDelay"/>, with <see cref="ReconnectJitter"/>. <see cref="TimeSpan.Zero"/>: no auto-reconnect.
    /// </summary>
    public TimeSpan ReconnectPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap of the exponential back-off between reconnect attempts (default 30 s).</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Random spread of each reconnect delay, as a fraction (0–1, default 0.2: ±20 %), so that many
    /// clients dropped together do not reconnect in lockstep. 0: exact delays.
    /// </summary>
    public double ReconnectJitter { get; init; } = 0.2;

    /// <summary>Reconnect attempts after one loss before giving up; null = unlimited.</summary>
    public int? MaxReconnectAttempts { get; init; }

    /// <summary>
    /// Publishes held while the client is not connected (never sent yet, all QoS levels); default
    /// 10,000. When full, <see cref="OfflineQueueFullMode"/> decides.
    /// </summary>
    public int OfflineQueueCapacity { get; init; } = 10_000;

    /// <summary>What a publish does when the offline queue is full (default: fail with <see cref="MqttQueueFullException"/>).</summary>
    public OfflineQueueFullMode OfflineQueueFullMode { get; init; } = OfflineQueueFullMode.Fail;

    /// <summary>
    /// Queue QoS 0 publishes made while offline (default true). False: such a publish fails at once
    /// with <see cref="MqttException"/>, as QoS 0 promises no delivery.
    /// </summary>
    public bool QueueQos0WhileOffline { get; init; } = true;

    /// <summary>MQTT 5.0: how long the broker keeps the session after the connection closes.</summary>
    public TimeSpan SessionExpiryInterval { get; init; } = TimeSpan.Zero;

    /// <summary>The Will Message the broker publishes if the connection is lost without DisconnectAsync.</summary>
    public WillMessage? Will { get; init; }

    /// <summary>TLS settings for mqtts:// and wss:// (system trust by default).</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>MQTT 5.0: QoS 1/2 messages the broker may have in flight to us (1–65,535).</summary>
    public ushort ReceiveMaximum { get; init; } = ushort.MaxValue;

    /// <summary>Largest packet we accept, in bytes (whole packet); larger ones end the connection with 0x95.</summary>
    public uint MaximumPacketSize { get; init; } = 268_435_460;

    /// <summary>MQTT 5.0: topic aliases the broker may use toward us; 0 = none.</summary>
    public ushort TopicAliasMaximum { get; init; }

    /// <summary>MQTT 5.0: give repeated topics an alias automatically (within the broker's Topic Alias Maximum).</summary>
    public bool AutomaticTopicAliases { get; init; }

    /// <summary>
    /// MQTT 5.0: disconnect (0x93) a broker that exceeds our <see cref="ReceiveMaximum"/>. Off by
    /// default: mosquitto 2.0.11 overshoots it for QoS 2 deliveries.
    /// </summary>
    public bool EnforceReceiveMaximum { get; init; }

    /// <summary>Capacity of <see cref="CloudSignalClient.Messages"/>; when full, reading from the socket pauses.</summary>
    public int MessageBufferCapacity { get; init; } = 10_000;

    /// <summary>
    /// Where unacknowledged QoS 1/2 publishes and inbound QoS 2 identifiers are kept. Null (default):
    /// in the client's memory, lost with the process. A <see cref="FileSessionStore"/> survives a restart.
    /// </summary>
    public IMqttSessionStore? SessionStore { get; init; }

    /// <summary>Time source for keep alive and timeouts (tests inject a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
