namespace CloudSignal.Mqtt.Session;

/// <summary>
/// A set of packet identifiers, one bit each, with a count. No allocation per packet: the bits
/// live in 16 blocks of 4,096 identifiers (512 bytes each), allocated when first used, so an idle
/// connection or one cycling through low identifiers holds hundreds of bytes, not the 8 KiB a flat
/// bitmap of all 65,536 would cost (it showed as a third of the memory per connection at 10,000
/// connections).
/// </summary>
internal sealed class PacketIdSet
{
    private const int BlockShift = 12;
    private const int WordsPerBlock = (1 << BlockShift) / 64;

    private readonly ulong[]?[] _blocks = new ulong[]?[65_536 >> BlockShift];

    public int Count { get; private set; }

    public bool Contains(ushort id) =>
        _blocks[id >> BlockShift] is { } block && (block[(id >> 6) & (WordsPerBlock - 1)] & (1UL << (id & 63))) != 0;

    /// <summary>Adds <paramref name="id"/>; false when it was already there.</summary>
    public bool Add(ushort id)
    {
        ulong[] block = _blocks[id >> BlockShift] ??= new ulong[WordsPerBlock];
        ref ulong word = ref block[(id >> 6) & (WordsPerBlock - 1)];
        ulong bit = 1UL << (id & 63);
        if ((word & bit) != 0)
        {
            return false;
        }

        word |= bit;
        Count++;
        return true;
    }

    /// <summary>Removes <paramref name="id"/>; false when it was not there.</summary>
    public bool Remove(ushort id)
    {
        if (_blocks[id >> BlockShift] is not { } block)
        {
            return false;
        }

        ref ulong word = ref block[(id >> 6) & (WordsPerBlock - 1)];
        ulong bit = 1UL << (id & 63);
        if ((word & bit) == 0)
        {
            return false;
        }

        word &= ~bit;
        Count--;
        return true;
    }

    /// <summary>Empties the set; the blocks stay allocated for reuse.</summary>
    public void Clear()
    {
        foreach (ulong[]? block in _blocks)
        {
            if (block is not null)
            {
                Array.Clear(block);
            }
        }

        Count = 0;
    }
}
