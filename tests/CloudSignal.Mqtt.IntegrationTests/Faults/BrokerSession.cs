using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// The broker's session state for one client identifier. Every member is used under the
/// broker's lock.
/// </summary>
internal sealed class BrokerSession(string clientId)
{
    private ushort _lastId;

    public string ClientId { get; } = clientId;

    /// <summary>The live connection, or null while the (persistent) session waits for the client.</summary>
    public BrokerConnection? Connection { get; set; }

    /// <summary>Kept after the connection closes: 3.1.1 Clean Session 0, 5.0 Session Expiry Interval above 0.</summary>
    public bool Persistent { get; set; }

    /// <summary>The client's Receive Maximum (5.0): QoS 1/2 messages the broker may have in flight to it.</summary>
    public int ReceiveMaximum { get; set; } = ushort.MaxValue;

    /// <summary>Topic filter → granted QoS.</summary>
    public Dictionary<string, MqttQos> Subscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>Inbound QoS 2 identifiers received and not yet released (the exactly-once record).</summary>
    public HashSet<ushort> AwaitingRelease { get; } = [];

    /// <summary>Outbound QoS 1/2 flows by packet identifier.</summary>
    public Dictionary<ushort, OutboundFlow> Outbound { get; } = [];

    /// <summary>Outbound messages waiting for an identifier or for room under the Receive Maximum, in order.</summary>
    public Queue<OutboundFlow> Waiting { get; } = new();

    /// <summary>The highest QoS any of this session's filters grants for <paramref name="topic"/>, or null.</summary>
    public MqttQos? Match(string topic)
    {
        MqttQos? best = null;
        foreach ((string filter, MqttQos qos) in Subscriptions)
        {
            if (Matches(filter, topic) && (best is null || qos > best))
            {
                best = qos;
            }
        }

        return best;
    }

    /// <summary>The next free packet identifier (1..65,535, skipping those in flight), if any.</summary>
    public bool TryAllocateId(out ushort id)
    {
        for (int i = 0; i < ushort.MaxValue; i++)
        {
            _lastId = _lastId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastId + 1);
            if (!Outbound.ContainsKey(_lastId))
            {
                id = _lastId;
                return true;
            }
        }

        id = 0;
        return false;
    }

    /// <summary>Topic filter matching with '+' (one level) and '#' (the rest, parent included) (§4.7.1).</summary>
    internal static bool Matches(string filter, string topic)
    {
        string[] f = filter.Split('/');
        string[] t = topic.Split('/');
        for (int i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true;
            }

            if (i >= t.Length || (f[i] != "+" && f[i] != t[i]))
            {
                return false;
            }
        }

        return f.Length == t.Length;
    }
}
