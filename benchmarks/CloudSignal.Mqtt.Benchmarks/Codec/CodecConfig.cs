using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace CloudSignal.Mqtt.Benchmarks.Codec;

/// <summary>
/// A job sized for a 2-core CI box: one launch, 3 warm-up and 10 measured iterations of
/// about 250 ms each. Every case is a tight nanosecond-scale loop, so that is plenty of
/// invocations for a stable mean, and the whole suite stays within a few minutes.
/// </summary>
public sealed class CodecConfig : ManualConfig
{
    public CodecConfig()
    {
        AddJob(Job.Default
            .WithId("Codec")
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
