namespace CloudSignal.Mqtt.Bench;

/// <summary>One library's many-connections figures; memory deltas are after-connect minus before, both after a full GC.</summary>
internal sealed record ConnectionsResult(
    string Library,
    int Target,
    int InFlight,
    int Connected,
    int Failed,
    string? FirstError,
    TimeSpan ConnectElapsed,
    double ConnectP50Ms,
    double ConnectP99Ms,
    double ConnectMaxMs,
    long WorkingSetDelta,
    long GcHeapDelta,
    long GcCommittedDelta,
    int ThreadsBefore,
    int ThreadsAfter,
    long BrokerRssDelta,
    TimeSpan DisconnectElapsed,
    long WorkingSetAfterDisconnectDelta)
{
    public double ConnectsPerSecond => Connected / ConnectElapsed.TotalSeconds;

    public double WorkingSetPerConnection => Connected == 0 ? 0 : (double)WorkingSetDelta / Connected;

    public double GcHeapPerConnection => Connected == 0 ? 0 : (double)GcHeapDelta / Connected;

    public double BrokerRssPerConnection => Connected == 0 ? 0 : (double)BrokerRssDelta / Connected;

    /// <summary>Issue 7's goal: 10,000 connections in under 1 GiB of client process memory.</summary>
    public bool UnderOneGiBFor10k => WorkingSetPerConnection * 10_000 < 1L << 30;
}
