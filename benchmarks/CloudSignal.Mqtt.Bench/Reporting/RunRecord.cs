namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>
/// One measured run of one library, as saved in the results JSON (the same field names as the
/// single-run harness wrote, so an old file still loads). Error is set when the run threw; its
/// figures are then zero and it is left out of medians.
/// </summary>
internal sealed record RunRecord(
    string Library,
    string Scenario,
    int PayloadSize,
    int Qos,
    int Window,
    int Sent,
    int Received,
    bool TimedOut,
    double ElapsedMs,
    double MessagesPerSecond,
    double MegabytesPerSecond,
    double AllocatedBytesPerMessageProcessWide,
    double PublisherAllocatedBytesPerMessage,
    double SubscriberAllocatedBytesPerMessageEstimate,
    double PublisherOnlyMessagesPerSecond)
{
    /// <summary>0-based repetition this run belongs to.</summary>
    public int Repetition { get; init; }

    /// <summary>The exception message when the run failed (MQTTnet has thrown from DisconnectAsync after a stall).</summary>
    public string? Error { get; init; }

    public bool Succeeded => Error is null;

    /// <summary>The publisher-only rerun was made (first repetition only), so the pub/sub split figures mean something.</summary>
    public bool HasPublisherSplit { get; init; } = true;

    public int Lost => Sent - Received;

    public static RunRecord From(Measurement m, int repetition) => new(
        m.Library,
        m.Scenario.Name,
        m.Scenario.PayloadSize,
        m.Scenario.Qos,
        m.Scenario.Window,
        m.Scenario.Count,
        m.Received,
        m.TimedOut,
        m.Elapsed.TotalMilliseconds,
        m.MessagesPerSecond,
        m.MegabytesPerSecond,
        m.AllocatedPerMessage,
        m.PublisherAllocatedPerMessage,
        m.SubscriberAllocatedPerMessage,
        // A timed-out run has no publisher-only rerun (elapsed zero): report 0, not infinity.
        m.PublisherOnlyElapsed > TimeSpan.Zero ? m.PublisherOnlyMessagesPerSecond : 0)
    {
        Repetition = repetition,
        HasPublisherSplit = m.PublisherOnlyElapsed > TimeSpan.Zero,
    };

    public static RunRecord Failed(string library, Scenario scenario, int repetition, string error) => new(
        library, scenario.Name, scenario.PayloadSize, scenario.Qos, scenario.Window, scenario.Count, 0, false, 0, 0, 0, 0, 0, 0, 0)
    {
        Repetition = repetition,
        Error = error,
    };
}
