namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>
/// What a store should hold after a list of operations, written as plainly as possible: a
/// sorted map of publishes and a sorted set of identifiers. Changes to unknown sequences do
/// nothing, MarkReleased drops the message, AddPublish of a held sequence is refused.
/// </summary>
internal sealed class StoreModel
{
    private readonly SortedDictionary<long, (byte[] Message, ushort PacketIdentifier, bool Released)> _publishes = [];
    private readonly SortedSet<ushort> _received = [];

    /// <summary>True when a store must refuse <paramref name="op"/> with ArgumentException.</summary>
    public bool Refuses(StoreOp op) => op.Kind == StoreOpKind.AddPublish && _publishes.ContainsKey(op.Sequence);

    public void Apply(StoreOp op)
    {
        switch (op.Kind)
        {
            case StoreOpKind.AddPublish when !Refuses(op):
                _publishes[op.Sequence] = (op.Message!.ToArray(), 0, false);
                break;
            case StoreOpKind.SetPacketIdentifier when _publishes.TryGetValue(op.Sequence, out var p):
                _publishes[op.Sequence] = p with { PacketIdentifier = op.PacketIdentifier };
                break;
            case StoreOpKind.MarkReleased when _publishes.TryGetValue(op.Sequence, out var p):
                _publishes[op.Sequence] = p with { Message = [], Released = true };
                break;
            case StoreOpKind.RemovePublish:
                _publishes.Remove(op.Sequence);
                break;
            case StoreOpKind.AddReceived:
                _received.Add(op.PacketIdentifier);
                break;
            case StoreOpKind.RemoveReceived:
                _received.Remove(op.PacketIdentifier);
                break;
            case StoreOpKind.ClearReceived:
                _received.Clear();
                break;
        }
    }

    /// <summary>Null when <paramref name="loaded"/> is what the model holds, else what differs.</summary>
    public string? Differences(StoredSession loaded)
    {
        string expected = Describe(_publishes.Select(p => (p.Key, p.Value.Message, p.Value.PacketIdentifier, p.Value.Released)), _received);
        string actual = Describe(loaded.Publishes.Select(p => (p.Sequence, p.Message.ToArray(), p.PacketIdentifier, p.Released)), loaded.Received);
        return expected == actual ? null : $"expected {expected}\n  actual {actual}";
    }

    /// <summary>The state as text, message bytes in hex, in the order given (order is part of the comparison).</summary>
    public static string Describe(IEnumerable<(long Sequence, byte[] Message, ushort PacketIdentifier, bool Released)> publishes, IEnumerable<ushort> received) =>
        $"publishes [{string.Join(", ", publishes.Select(p => $"{p.Sequence}:{Convert.ToHexString(p.Message)}/id={p.PacketIdentifier}{(p.Released ? "/rel" : string.Empty)}"))}]"
        + $" received [{string.Join(", ", received)}]";
}
