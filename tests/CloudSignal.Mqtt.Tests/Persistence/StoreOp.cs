namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>What a <see cref="StoreOp"/> does.</summary>
internal enum StoreOpKind
{
    AddPublish,
    SetPacketIdentifier,
    MarkReleased,
    RemovePublish,
    AddReceived,
    RemoveReceived,
    ClearReceived,
    Flush,

    /// <summary>File store: dispose and open the path again (memory store: only Load).</summary>
    Reopen,
}

/// <summary>One step of a store scenario; printed when a property fails.</summary>
internal readonly record struct StoreOp(StoreOpKind Kind, long Sequence = 0, ushort PacketIdentifier = 0, byte[]? Message = null)
{
    /// <summary>Applies a mutation (or Flush) to <paramref name="store"/>; Reopen is the caller's.</summary>
    public void ApplyTo(IMqttSessionStore store)
    {
        switch (Kind)
        {
            case StoreOpKind.AddPublish: store.AddPublish(Sequence, Message); break;
            case StoreOpKind.SetPacketIdentifier: store.SetPacketIdentifier(Sequence, PacketIdentifier); break;
            case StoreOpKind.MarkReleased: store.MarkReleased(Sequence); break;
            case StoreOpKind.RemovePublish: store.RemovePublish(Sequence); break;
            case StoreOpKind.AddReceived: store.AddReceived(PacketIdentifier); break;
            case StoreOpKind.RemoveReceived: store.RemoveReceived(PacketIdentifier); break;
            case StoreOpKind.ClearReceived: store.ClearReceived(); break;
            case StoreOpKind.Flush: store.Flush(); break;
            case StoreOpKind.Reopen: break;
            default: throw new InvalidOperationException(Kind.ToString());
        }
    }

    public override string ToString() => Kind switch
    {
        StoreOpKind.AddPublish => $"AddPublish({Sequence}, {Message!.Length} B)",
        StoreOpKind.SetPacketIdentifier => $"SetPacketIdentifier({Sequence}, {PacketIdentifier})",
        StoreOpKind.MarkReleased or StoreOpKind.RemovePublish => $"{Kind}({Sequence})",
        StoreOpKind.AddReceived or StoreOpKind.RemoveReceived => $"{Kind}({PacketIdentifier})",
        _ => Kind.ToString(),
    };
}
