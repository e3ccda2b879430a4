namespace CloudSignal.Mqtt.Session;

/// <summary>
/// Packet Identifiers 1–65,535 (5.0 §2.2.1): never hands out one still in use [MQTT-2.2.1-3],
/// walks forward and wraps, so a just-freed identifier is not reused at once.
/// </summary>
internal sealed class PacketIdAllocator
{
    private readonly PacketIdSet _inUse = new();
    private ushort _last;

    public int InUseCount => _inUse.Count;

    public bool IsInUse(ushort id) => _inUse.Contains(id);

    /// <summary>The next free identifier after the last one handed out, or false when all 65,535 are taken.</summary>
    public bool TryAllocate(out ushort id)
    {
        if (_inUse.Count >= ushort.MaxValue)
        {
            id = 0;
            return false;
        }

        id = _last;
        do
        {
            id = id == ushort.MaxValue ? (ushort)1 : (ushort)(id + 1);
        }
        while (_inUse.Contains(id));

        _inUse.Add(id);
        _last = id;
        return true;
    }

    /// <summary>Takes a specific identifier (a flow restored from a session store); false if it is taken.</summary>
    public bool TryReserve(ushort id) => id != 0 && _inUse.Add(id);

    public void Release(ushort id) => _inUse.Remove(id);
}
