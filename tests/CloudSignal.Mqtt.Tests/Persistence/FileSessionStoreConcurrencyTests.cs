namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>Flush on one thread while another mutates: nothing lost, nothing doubled, compactions included.</summary>
public sealed class FileSessionStoreConcurrencyTests : IDisposable
{
    private const int Operations = 20_000;
    private const int Checkpoints = 20;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(1L << 20, 4)] // appends only, mostly
    [InlineData(0L, 2)] // compactions all along
    public async Task FlushLoopWhileMutating_ReopenedStore_HoldsExactlyTheSequentialResult(long compactionMinimumBytes, int compactionRatio)
    {
        var options = new FileSessionStoreOptions
        {
            Durability = FileSessionStoreDurability.FlushToOperatingSystem,
            CompactionMinimumBytes = compactionMinimumBytes,
            CompactionRatio = compactionRatio,
        };
        StoreOp[] ops = Script();
        var model = new StoreModel();
        foreach (StoreOp op in ops)
        {
            model.Apply(op);
        }

        string path = _directory.File();
        int flushes = 0;
        using (var store = new FileSessionStore(path, options))
        {
            using var done = new CancellationTokenSource();
            Task flusher = Task.Run(() =>
            {
                while (!done.IsCancellationRequested)
                {
                    store.Flush();
                    Interlocked.Increment(ref flushes);
                }
            });
            Task mutator = Task.Run(() =>
            {
                for (int i = 0; i < ops.Length; i++)
                {
                    ops[i].ApplyTo(store);
                    if (i % (Operations / Checkpoints) == 0)
                    {
                        // Make sure flushes really land between mutations, not only before or after them.
                        int seen = Volatile.Read(ref flushes);
                        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref flushes) > seen + 1, TimeSpan.FromSeconds(30)));
                    }
                }
            });

            await mutator.WaitAsync(TimeSpan.FromSeconds(60));
            await done.CancelAsync();
            await flusher.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Null(model.Differences(store.Load()));
            if (compactionMinimumBytes == 0)
            {
                Assert.True(store.Compactions > 2, $"{store.Compactions} compactions");
            }
        }

        Assert.True(flushes > 2 * Checkpoints, $"{flushes} flushes");
        using var reopened = new FileSessionStore(path, options);
        Assert.Null(model.Differences(reopened.Load()));
    }

    /// <summary>A fixed mix: publishes added, given identifiers, released, most finished; identifiers added and removed.</summary>
    private static StoreOp[] Script()
    {
        var ops = new List<StoreOp>(Operations);
        for (long i = 0; ops.Count < Operations; i++)
        {
            ops.Add(new StoreOp(StoreOpKind.AddPublish, i, Message: BitConverter.GetBytes(i * 7919)));
            ops.Add(new StoreOp(StoreOpKind.SetPacketIdentifier, i, (ushort)((i % 65_535) + 1)));
            if (i % 3 == 0)
            {
                ops.Add(new StoreOp(StoreOpKind.MarkReleased, i));
            }

            if (i % 4 != 0)
            {
                ops.Add(new StoreOp(StoreOpKind.RemovePublish, i - 1));
            }

            ops.Add(new StoreOp(StoreOpKind.AddReceived, PacketIdentifier: (ushort)(i % 500)));
            if (i % 5 == 0)
            {
                ops.Add(new StoreOp(StoreOpKind.RemoveReceived, PacketIdentifier: (ushort)((i + 250) % 500)));
            }

            if (i % 997 == 0)
            {
                ops.Add(new StoreOp(StoreOpKind.ClearReceived));
            }
        }

        return [.. ops];
    }
}
