namespace CloudSignal.Mqtt.Bench.Sink;

/// <summary>
/// One library's (or the raw socket's) run against the sink. Allocation figures are the whole
/// process's delta over the measured run minus what the sink's threads allocated, per message.
/// </summary>
internal sealed record SinkMeasurement(
    string Library,
    Scenario Scenario,
    long Sent,
    long Counted,
    TimeSpan Elapsed,
    long ProcessAllocatedBytes,
    long SinkAllocatedBytes,
    TimeSpan ProcessCpu)
{
    public bool TimedOut { get; init; }

    /// <summary>The run hit its time cap and stopped before Scenario.Count: figures cover <see cref="Sent"/>.</summary>
    public bool Capped => Sent < Scenario.Count;

    public double MessagesPerSecond => Counted / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => (double)Counted * Scenario.PayloadSize / Elapsed.TotalSeconds / 1_000_000;

    /// <summary>Publisher side only (process minus sink threads), per message.</summary>
    public double AllocatedPerMessage => (double)(ProcessAllocatedBytes - SinkAllocatedBytes) / Math.Max(1, Sent);

    /// <summary>
    /// Whole-process CPU (user + kernel, all threads: publisher, sink, harness) per message, in µs.
    /// Less sensitive to other load on the machine than msg/s; the raw run's figure is the sink's
    /// (and a bare socket writer's) share.
    /// </summary>
    public double CpuMicrosecondsPerMessage => ProcessCpu.TotalMicroseconds / Math.Max(1, Sent);

    public double SinkAllocatedPerMessage => (double)SinkAllocatedBytes / Math.Max(1, Sent);
}
