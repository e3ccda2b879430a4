namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// An in-memory <see cref="IMqttSessionStore"/> that logs every call as text ("AddPublish(3)",
/// "SetPacketIdentifier(3,1)", ...) and keeps the state those calls describe, so the same
/// instance can be handed to a second session as if the process had restarted. A call that
/// does not fit that state (an unknown sequence, a duplicate add) is logged in
/// <see cref="Violations"/> as well: the session must never make one.
/// </summary>
internal sealed class RecordingSessionStore : IMqttSessionStore
{
    private readonly SortedDictionary<long, StoredPublish> _publishes = [];
    private readonly List<ushort> _received = [];

    /// <summary>An empty store.</summary>
    public RecordingSessionStore()
    {
    }

    /// <summary>A store holding <paramref name="publishes"/> and <paramref name="received"/>, as an earlier process left them.</summary>
    public RecordingSessionStore(IEnumerable<StoredPublish> publishes, IEnumerable<ushort>? received = null)
    {
        foreach (StoredPublish p in publishes)
        {
            _publishes.Add(p.Sequence, p);
        }

        _received.AddRange(received ?? []);
    }

    /// <summary>Every call, in order, since the store was made or <see cref="TakeCalls"/> was last called.</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Calls that did not match the state: each is a session bug.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>The bytes each <see cref="AddPublish"/> gave, by sequence (kept after removal).</summary>
    public Dictionary<long, byte[]> Added { get; } = [];

    /// <summary>Unfinished publishes now held, in sequence order.</summary>
    public IReadOnlyList<StoredPublish> Publishes => [.. _publishes.Values];

    /// <summary>Inbound QoS 2 identifiers now held.</summary>
    public IReadOnlyList<ushort> Received => _received;

    /// <summary>The calls logged since the last call, then forgets them.</summary>
    public List<string> TakeCalls()
    {
        var calls = new List<string>(Calls);
        Calls.Clear();
        return calls;
    }

    public StoredSession Load()
    {
        Calls.Add("Load");
        return new StoredSession([.. _publishes.Values], [.. _received]);
    }

    public void AddPublish(long sequence, ReadOnlySpan<byte> message)
    {
        Calls.Add($"AddPublish({sequence})");
        Added[sequence] = message.ToArray();
        if (!_publishes.TryAdd(sequence, new StoredPublish(sequence, message.ToArray(), 0, false)))
        {
            Violations.Add($"AddPublish({sequence}): already held");
        }
    }

    public void SetPacketIdentifier(long sequence, ushort packetIdentifier)
    {
        Calls.Add($"SetPacketIdentifier({sequence},{packetIdentifier})");
        Change(sequence, p => p with { PacketIdentifier = packetIdentifier }, "SetPacketIdentifier");
    }

    public void MarkReleased(long sequence)
    {
        Calls.Add($"MarkReleased({sequence})");
        Change(sequence, p => p with { Released = true }, "MarkReleased");
    }

    public void RemovePublish(long sequence)
    {
        Calls.Add($"RemovePublish({sequence})");
        if (!_publishes.Remove(sequence))
        {
            Violations.Add($"RemovePublish({sequence}): not held");
        }
    }

    public void AddReceived(ushort packetIdentifier)
    {
        Calls.Add($"AddReceived({packetIdentifier})");
        if (_received.Contains(packetIdentifier))
        {
            Violations.Add($"AddReceived({packetIdentifier}): already held");
        }

        _received.Add(packetIdentifier);
    }

    public void RemoveReceived(ushort packetIdentifier)
    {
        Calls.Add($"RemoveReceived({packetIdentifier})");
        if (!_received.Remove(packetIdentifier))
        {
            Violations.Add($"RemoveReceived({packetIdentifier}): not held");
        }
    }

    public void ClearReceived()
    {
        Calls.Add("ClearReceived");
        _received.Clear();
    }

    public void Flush() => Calls.Add("Flush");

    private void Change(long sequence, Func<StoredPublish, StoredPublish> change, string call)
    {
        if (_publishes.TryGetValue(sequence, out StoredPublish p))
        {
            _publishes[sequence] = change(p);
        }
        else
        {
            Violations.Add($"{call}({sequence}): not held");
        }
    }
}
