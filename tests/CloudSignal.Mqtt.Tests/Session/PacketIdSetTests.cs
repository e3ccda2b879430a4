using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// <see cref="PacketIdSet"/> (blocks of 4,096 identifiers allocated on first use) behaves exactly
/// like a set of ushort: checked against <see cref="HashSet{T}"/> over random operations that
/// cross block boundaries, and at the edges of the identifier range.
/// </summary>
public class PacketIdSetTests
{
    [Fact]
    public void BlockEdges_AddContainsRemove_EachIdentifierIndependent()
    {
        var set = new PacketIdSet();
        ushort[] edges = [0, 1, 63, 64, 4_095, 4_096, 4_097, 32_767, 32_768, 61_439, 61_440, 65_534, 65_535];
        foreach (ushort id in edges)
        {
            Assert.True(set.Add(id));
            Assert.False(set.Add(id));
        }

        Assert.Equal(edges.Length, set.Count);
        foreach (ushort id in edges)
        {
            Assert.True(set.Contains(id));
            Assert.False(set.Contains((ushort)(id ^ 2))); // a neighbour in the same word stays out
        }

        Assert.True(set.Remove(4_096));
        Assert.False(set.Remove(4_096));
        Assert.False(set.Contains(4_096));
        Assert.True(set.Contains(4_095));
        Assert.True(set.Contains(4_097));
        Assert.Equal(edges.Length - 1, set.Count);

        set.Clear();
        Assert.Equal(0, set.Count);
        Assert.All(edges, id => Assert.False(set.Contains(id)));
        Assert.True(set.Add(65_535));
    }

    [Fact]
    public void RemoveFromUntouchedBlock_IsFalse()
    {
        var set = new PacketIdSet();
        Assert.False(set.Remove(12_345));
        Assert.False(set.Contains(12_345));
        Assert.Equal(0, set.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomOperations_MatchHashSet(int seed)
    {
        var random = new Random(seed);
        var set = new PacketIdSet();
        var model = new HashSet<ushort>();
        for (int step = 0; step < 50_000; step++)
        {
            // Mostly a few hundred identifiers around block edges, sometimes anywhere.
            ushort id = random.Next(4) == 0
                ? (ushort)random.Next(65_536)
                : (ushort)((random.Next(16) << 12) + random.Next(-100, 100) & 0xFFFF);
            switch (random.Next(10))
            {
                case < 4:
                    Assert.Equal(model.Add(id), set.Add(id));
                    break;
                case < 8:
                    Assert.Equal(model.Remove(id), set.Remove(id));
                    break;
                case < 9:
                    Assert.Equal(model.Contains(id), set.Contains(id));
                    break;
                default:
                    if (random.Next(100) == 0)
                    {
                        set.Clear();
                        model.Clear();
                    }

                    break;
            }

            Assert.Equal(model.Count, set.Count);
        }

        for (int id = 0; id < 65_536; id++)
        {
            Assert.Equal(model.Contains((ushort)id), set.Contains((ushort)id));
        }
    }
}
