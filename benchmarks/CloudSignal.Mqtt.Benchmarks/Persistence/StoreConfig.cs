using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace CloudSignal.Mqtt.Benchmarks.Persistence;

/// <summary>
/// One launch, 3 warm-up and 10 measured iterations of about 500 ms: a flush to disk takes
/// milliseconds on some devices, so iterations are longer than the codec's.
/// </summary>
public sealed class StoreConfig : ManualConfig
{
    public StoreConfig()
    {
        AddJob(Job.Default
            .WithId("Store")
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(500)));
    }
}
