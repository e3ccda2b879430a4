namespace CloudSignal.Mqtt.Session;

/// <summary>A set of packet identifiers, one bit each (8 KiB), with a count. No allocation per packet.</summary>
internal sealed class PacketIdSet
{
    private readonly ulong[] _bits = new ulong[65_536 / 64];

    public int Count { get; private set; }

    public bool Contains(ushort id) => (_bits[id >> 6] & (1UL << (id & 63))) != 0;

    /// <summary>Adds <paramref name="id"/>; false when it was already there.</summary>
    public bool Add(ushort id)
    {
        if (Contains(id))
        {
            return false;
        }

        _bits[id >> 6] |= 1UL << (id & 63);
        Count++;
        return true;
    }

    /// <summary>Removes <paramref name="id"/>; false when it was not there.</summary>
    public bool Remove(ushort id)
    {
        if (!Contains(id))
        {
            return false;
        }

        _bits[id >> 6] &= ~(1UL << (id & 63));
        Count--;
        return true;
    }

    public void Clear()
    {
        Array.Clear(_bits);
        Count = 0;
    }
}
