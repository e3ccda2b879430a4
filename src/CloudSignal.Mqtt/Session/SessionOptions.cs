using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/// <summary>What the client asks for in CONNECT, and how strictly the session polices the server.</summary>
internal sealed record SessionOptions
{
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V500;

    /// <summary>Empty: the server assigns one (5.0 §3.1.3.1; 3.1.1 only with clean session).</summary>
    public string ClientId { get; init; } = string.Empty;

    public bool CleanStart { get; init; } = true;

    /// <summary>
    /// Zero disables keep alive. Sent in whole seconds (fractions dropped, at most 65,535), and
    /// PINGREQ follows the value sent.
    /// </summary>
    public TimeSpan KeepAlive
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long to wait for PINGRESP; null means half the keep alive period, so a silent server is
    /// detected 1.5 × keep alive after the last packet sent, the bound the server itself applies
    /// to us (5.0 §3.1.2.10).
    /// </summary>
    public TimeSpan? PingResponseTimeout
    {
        get;
        init
        {
            if (value is TimeSpan timeout)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(value));
            }

            field = value;
        }
    }

    /// <summary>How long to wait for CONNACK (and any AUTH exchange before it).</summary>
    public TimeSpan ConnectTimeout
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(30);

    public string? UserName { get; init; }

    public ReadOnlyMemory<byte>? Password { get; init; }

    public ConnectWill? Will { get; init; }

    /// <summary>5.0: seconds the server keeps the session after the connection closes.</summary>
    public uint SessionExpiryInterval { get; init; }

    /// <summary>5.0: how many QoS 1/2 publishes we accept in flight from the server.</summary>
    public ushort ReceiveMaximum { get; init; } = ushort.MaxValue;

    /// <summary>Largest packet we accept (whole packet, 5.0 §3.1.2.11.4); also our decoder's limit.</summary>
    public uint MaximumPacketSize { get; init; } = PacketScanner.ProtocolMaximumPacketSize;

    /// <summary>5.0: how many inbound topic aliases we accept; 0 = none.</summary>
    public ushort TopicAliasMaximum { get; init; }

    public bool RequestResponseInformation { get; init; }

    public bool RequestProblemInformation { get; init; } = true;

    public UserProperty[]? UserProperties { get; init; }

    public IMqttAuthenticator? Authenticator { get; init; }

    /// <summary>5.0: give repeated topics an outbound alias automatically (least recently used replaced).</summary>
    public bool AutomaticTopicAliases { get; init; }

    /// <summary>
    /// 5.0: disconnect with 0x93 when the server has more QoS 2 messages awaiting PUBREL than our
    /// Receive Maximum. Off for brokers known to overshoot (mosquitto 2.0.11 does for QoS 2).
    /// </summary>
    public bool EnforceReceiveMaximum { get; init; } = true;

    internal ushort KeepAliveSeconds => (ushort)Math.Min(ushort.MaxValue, (long)KeepAlive.TotalSeconds);
}
