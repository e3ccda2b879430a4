namespace CloudSignal.Mqtt;

/// <summary>
/// Where a client keeps the part of its MQTT session that must survive a process restart:
/// outbound QoS 1/2 publishes not yet acknowledged, and the packet identifiers of inbound QoS 2
/// messages delivered but awaiting PUBREL. Plug one in with <see cref="CloudSignalOptions.SessionStore"/>.
/// </summary>
/// <remarks>
/// <para>
/// The client calls the mutating methods in the order the session changes, one at a time, while
/// it holds its internal lock: they must be quick (append to a buffer) and must not call back into
/// the client. <see cref="Flush"/> is the durability point: the client calls it before it writes
/// packets that depend on the changes to the network, and when it is disposed. A store must be
/// safe to call <see cref="Flush"/> from another thread while mutations go on.
/// </para>
/// <para>
/// One store belongs to one client identifier. Publishes are keyed by a sequence number that grows
/// in publish order; after a restart the client resends them in that order.
/// </para>
/// </remarks>
public interface IMqttSessionStore
{
    /// <summary>Reads what an earlier client left. Called once, before the store is first changed.</summary>
    StoredSession Load();

    /// <summary>
    /// A QoS 1/2 publish was accepted. <paramref name="message"/> is opaque: keep the bytes as given.
    /// Sequences are never reused; changes to a sequence the store does not hold may be ignored.
    /// </summary>
    void AddPublish(long sequence, ReadOnlySpan<byte> message);

    /// <summary>
    /// The publish was first written with this packet identifier (0: it lost it and waits to be sent
    /// again as new). A restored publish with an identifier was sent before, so it is resent with DUP.
    /// </summary>
    void SetPacketIdentifier(long sequence, ushort packetIdentifier);

    /// <summary>QoS 2: PUBREC arrived; only PUBREL remains to be sent (the message itself is no longer needed).</summary>
    void MarkReleased(long sequence);

    /// <summary>The publish is finished (acknowledged, refused, or completed); forget it.</summary>
    void RemovePublish(long sequence);

    /// <summary>An inbound QoS 2 message with this identifier was delivered; a duplicate must not be delivered again.</summary>
    void AddReceived(ushort packetIdentifier);

    /// <summary>PUBREL arrived for this identifier: it may be reused for a new message.</summary>
    void RemoveReceived(ushort packetIdentifier);

    /// <summary>The server kept no session: forget every inbound identifier.</summary>
    void ClearReceived();

    /// <summary>Makes every change so far durable, as the store's policy says.</summary>
    void Flush();
}

/// <summary>An outbound QoS 1/2 publish a store holds.</summary>
/// <param name="Sequence">Publish order; unique within the store.</param>
/// <param name="Message">The opaque bytes given to <see cref="IMqttSessionStore.AddPublish"/> (may be empty once released).</param>
/// <param name="PacketIdentifier">The identifier it was sent with; 0 when it was never sent (or must go again as new).</param>
/// <param name="Released">QoS 2 past PUBREC: only PUBREL remains.</param>
public readonly record struct StoredPublish(long Sequence, ReadOnlyMemory<byte> Message, ushort PacketIdentifier, bool Released);

/// <summary>What <see cref="IMqttSessionStore.Load"/> returns.</summary>
/// <param name="Publishes">Unfinished outbound publishes, in sequence order.</param>
/// <param name="Received">Identifiers of inbound QoS 2 messages awaiting PUBREL.</param>
public sealed record StoredSession(IReadOnlyList<StoredPublish> Publishes, IReadOnlyList<ushort> Received)
{
    /// <summary>A store with nothing in it.</summary>
    public static StoredSession Empty { get; } = new([], []);
}
