using BenchmarkDotNet.Attributes;

namespace CloudSignal.Mqtt.Benchmarks.Persistence;

/// <summary>Which store a <see cref="SessionStoreBenchmarks"/> case runs on.</summary>
public enum StoreKind
{
    Memory,
    FileFlushToOperatingSystem,
    FileFlushToDisk,
}

/// <summary>
/// One QoS 1 publish as the client records it: AddPublish, SetPacketIdentifier, RemovePublish of
/// the previous one (its PUBACK came), then Flush before the PUBLISH would be written. Each
/// invocation is one durable publish, so 1 / mean is durable publishes per second. The log is
/// compacted every ~1 MiB of dead records, inside some of the invocations.
/// </summary>
[Config(typeof(StoreConfig))]
public class SessionStoreBenchmarks
{
    private string _directory = null!;
    private IMqttSessionStore _store = null!;
    private byte[] _message = null!;
    private long _sequence;

    [Params(StoreKind.Memory, StoreKind.FileFlushToOperatingSystem, StoreKind.FileFlushToDisk)]
    public StoreKind Store { get; set; }

    [Params(64, 4096)]
    public int MessageBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("cloudsignal-store-bench-").FullName;
        _message = new byte[MessageBytes];
        _store = Store switch
        {
            StoreKind.Memory => new MemorySessionStore(),
            StoreKind.FileFlushToOperatingSystem => new FileSessionStore(
                Path.Combine(_directory, "session.log"),
                new FileSessionStoreOptions { Durability = FileSessionStoreDurability.FlushToOperatingSystem }),
            _ => new FileSessionStore(Path.Combine(_directory, "session.log")),
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        (_store as IDisposable)?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark]
    public void PublishThenFlush()
    {
        long sequence = ++_sequence;
        _store.AddPublish(sequence, _message);
        _store.SetPacketIdentifier(sequence, (ushort)((sequence % 65_535) + 1));
        _store.RemovePublish(sequence - 1);
        _store.Flush();
    }
}
