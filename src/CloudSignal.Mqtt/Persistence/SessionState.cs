namespace CloudSignal.Mqtt.Persistence;

/// <summary>
/// The state both stores keep in memory, with the rules every store applies the same way: a
/// change to an unknown publish, or one that changes nothing, is ignored and reported as
/// <see langword="false"/> (so the file store logs only real changes, and replaying a log
/// is applying the same operations again); a second publish with the same sequence is refused.
/// Not thread-safe: each store guards it with its own lock.
/// </summary>
internal sealed class SessionState
{
    private readonly Dictionary<long, PublishEntry> _publishes = [];
    private readonly HashSet<ushort> _received = [];

    /// <summary>Outbound publishes held.</summary>
    public int PublishCount => _publishes.Count;

    /// <summary>Inbound QoS 2 identifiers held.</summary>
    public int ReceivedCount => _received.Count;

    /// <summary>The publish with this sequence, if held. The entry is live: do not change it.</summary>
    public bool TryGetPublish(long sequence, out PublishEntry entry) => _publishes.TryGetValue(sequence, out entry);

    /// <summary>Holds a copy of <paramref name="message"/>; throws when the sequence is already held.</summary>
    public void AddPublish(long sequence, ReadOnlySpan<byte> message)
    {
        if (!_publishes.TryAdd(sequence, new PublishEntry(message.ToArray(), 0, false)))
        {
            throw new ArgumentException($"The store already holds a publish with sequence {sequence}.", nameof(sequence));
        }
    }

    /// <summary>Sets the identifier; false when the publish is unknown or already has it.</summary>
    public bool SetPacketIdentifier(long sequence, ushort packetIdentifier)
    {
        if (!_publishes.TryGetValue(sequence, out PublishEntry entry) || entry.PacketIdentifier == packetIdentifier)
        {
            return false;
        }

        _publishes[sequence] = entry with { PacketIdentifier = packetIdentifier };
        return true;
    }

    /// <summary>Marks the publish released and drops its message (no longer needed, see the contract); false when unknown or already released.</summary>
    public bool MarkReleased(long sequence)
    {
        if (!_publishes.TryGetValue(sequence, out PublishEntry entry) || entry.Released)
        {
            return false;
        }

        _publishes[sequence] = entry with { Message = [], Released = true };
        return true;
    }

    /// <summary>Forgets the publish; false when unknown.</summary>
    public bool RemovePublish(long sequence) => _publishes.Remove(sequence);

    /// <summary>Holds the identifier; false when already held.</summary>
    public bool AddReceived(ushort packetIdentifier) => _received.Add(packetIdentifier);

    /// <summary>Forgets the identifier; false when not held.</summary>
    public bool RemoveReceived(ushort packetIdentifier) => _received.Remove(packetIdentifier);

    /// <summary>Forgets every inbound identifier; returns how many there were.</summary>
    public int ClearReceived()
    {
        int count = _received.Count;
        _received.Clear();
        return count;
    }

    /// <summary>
    /// The publishes in sequence order and the identifiers in ascending order. The message
    /// arrays are shared, not copied: the state never writes into an array once it holds it.
    /// </summary>
    public (KeyValuePair<long, PublishEntry>[] Publishes, ushort[] Received) Snapshot()
    {
        KeyValuePair<long, PublishEntry>[] publishes = [.. _publishes];
        Array.Sort(publishes, static (a, b) => a.Key.CompareTo(b.Key));
        ushort[] received = [.. _received];
        Array.Sort(received);
        return (publishes, received);
    }

    /// <summary>What <see cref="IMqttSessionStore.Load"/> returns: the snapshot with copies of the messages.</summary>
    public StoredSession ToStoredSession()
    {
        (KeyValuePair<long, PublishEntry>[] publishes, ushort[] received) = Snapshot();
        var stored = new StoredPublish[publishes.Length];
        for (int i = 0; i < publishes.Length; i++)
        {
            (long sequence, PublishEntry entry) = publishes[i];
            stored[i] = new StoredPublish(sequence, entry.Message.ToArray(), entry.PacketIdentifier, entry.Released);
        }

        return new StoredSession(stored, received);
    }
}
