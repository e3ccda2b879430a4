using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Property = FsCheck.Property;

namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>
/// Model-based property of both stores: random operations (sequences and identifiers from small
/// ranges, so that most changes hit something held, and some hit nothing), with flushes and
/// reopens in between, give the same Load() as <see cref="StoreModel"/>; a store refuses a
/// second AddPublish of a held sequence exactly when the model does. The file store compacts
/// often here (thresholds from 0 bytes and ratio 1), so replays cross compacted and appended logs.
/// </summary>
public class SessionStoreProperties
{
    private const int Cases = 200;

    [Property(MaxTest = Cases)] // [MQTT-4.1.0-1] [MQTT-4.6.0-1]: state kept in publish order
    public Property RandomOperations_MemoryAndFileStore_LoadWhatTheModelHolds() =>
        Prop.ForAll(Arb.From(Scenario()), scenario =>
        {
            var options = new FileSessionStoreOptions
            {
                Durability = FileSessionStoreDurability.FlushToOperatingSystem,
                CompactionMinimumBytes = scenario.CompactionMinimumBytes,
                CompactionRatio = scenario.CompactionRatio,
            };
            string? failure = Check(options, scenario.Ops);
            return (failure is null).Label(failure ?? string.Empty);
        });

    private static string? Check(FileSessionStoreOptions options, StoreOp[] ops)
    {
        using var directory = new TempDirectory();
        var model = new StoreModel();
        var memory = new MemorySessionStore();
        var file = new FileSessionStore(directory.File(), options);
        try
        {
            for (int i = 0; i < ops.Length; i++)
            {
                StoreOp op = ops[i];
                if (op.Kind == StoreOpKind.Reopen)
                {
                    file.Dispose();
                    file = new FileSessionStore(directory.File(), options);
                }
                else if (model.Refuses(op))
                {
                    foreach (IMqttSessionStore store in new IMqttSessionStore[] { memory, file })
                    {
                        try
                        {
                            op.ApplyTo(store);
                            return $"step {i} {op}: {store.GetType().Name} accepted a held sequence";
                        }
                        catch (ArgumentException)
                        {
                        }
                    }
                }
                else
                {
                    op.ApplyTo(memory);
                    op.ApplyTo(file);
                    model.Apply(op);
                }

                if (op.Kind is StoreOpKind.Reopen or StoreOpKind.Flush)
                {
                    string? failure = Compare(model, memory, file);
                    if (failure is not null)
                    {
                        return $"after step {i} {op}: {failure}";
                    }
                }
            }

            file.Dispose();
            file = new FileSessionStore(directory.File(), options);
            return Compare(model, memory, file) is { } last ? $"after a final reopen: {last}" : null;
        }
        finally
        {
            file.Dispose();
        }
    }

    private static string? Compare(StoreModel model, MemorySessionStore memory, FileSessionStore file) =>
        model.Differences(memory.Load()) is { } m ? $"memory store: {m}"
        : model.Differences(file.Load()) is { } f ? $"file store: {f}"
        : null;

    private static Gen<(long CompactionMinimumBytes, int CompactionRatio, StoreOp[] Ops)> Scenario() =>
        from minimum in Gen.Elements(0L, 256L, 1L << 20)
        from ratio in Gen.Elements(1, 2, 4)
        from ops in Gen.ArrayOf(Op())
        select (minimum, ratio, ops);

    private static Gen<StoreOp> Op()
    {
        Gen<long> sequence = Gen.Frequency((10, Gen.Choose(1, 8).Select(i => (long)i)), (1, Gen.Elements(0L, long.MaxValue, long.MinValue)));
        Gen<ushort> identifier = Gen.Frequency((10, Gen.Choose(1, 6).Select(i => (ushort)i)), (1, Gen.Elements<ushort>(0, ushort.MaxValue)));
        Gen<byte[]> message = Gen.Frequency(
            (10, Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n))),
            (1, Gen.Choose(0, 255).Select(seed => Enumerable.Range(0, 70_000).Select(i => (byte)(i * seed)).ToArray())));
        return Gen.Frequency(
            (6, from s in sequence from m in message select new StoreOp(StoreOpKind.AddPublish, s, Message: m)),
            (4, from s in sequence from id in identifier select new StoreOp(StoreOpKind.SetPacketIdentifier, s, id)),
            (2, sequence.Select(s => new StoreOp(StoreOpKind.MarkReleased, s))),
            (3, sequence.Select(s => new StoreOp(StoreOpKind.RemovePublish, s))),
            (3, identifier.Select(id => new StoreOp(StoreOpKind.AddReceived, PacketIdentifier: id))),
            (2, identifier.Select(id => new StoreOp(StoreOpKind.RemoveReceived, PacketIdentifier: id))),
            (1, Gen.Constant(new StoreOp(StoreOpKind.ClearReceived))),
            (3, Gen.Constant(new StoreOp(StoreOpKind.Flush))),
            (2, Gen.Constant(new StoreOp(StoreOpKind.Reopen))));
    }
}
