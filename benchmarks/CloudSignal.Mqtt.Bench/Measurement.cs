namespace CloudSignal.Mqtt.Bench;

/// <summary>
/// One library's figures for one scenario. AllocatedPerMessage is the whole process's allocation
/// (publisher + subscriber + the harness's counting callback) divided by the messages sent.
/// PublisherOnly* come from a second run with nobody subscribed; the subscriber's share is the
/// difference (an estimate: the publisher is not identical under a live subscriber's backpressure).
/// </summary>
internal sealed record Measurement(
    string Library,
    Scenario Scenario,
    int Received,
    TimeSpan Elapsed,
    long AllocatedBytes,
    TimeSpan PublisherOnlyElapsed,
    long PublisherOnlyAllocatedBytes)
{
    /// <summary>The run did not finish within the scenario timeout; figures cover what arrived by then.</summary>
    public bool TimedOut { get; init; }

    public double PublisherAllocatedPerMessage => (double)PublisherOnlyAllocatedBytes / Scenario.Count;

    public double SubscriberAllocatedPerMessage => AllocatedPerMessage - PublisherAllocatedPerMessage;

    public double PublisherOnlyMessagesPerSecond => Scenario.Count / PublisherOnlyElapsed.TotalSeconds;

    public double MessagesPerSecond => Received / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => (double)Received * Scenario.PayloadSize / Elapsed.TotalSeconds / 1_000_000;

    public double AllocatedPerMessage => (double)AllocatedBytes / Scenario.Count;

    public int Lost => Scenario.Count - Received;
}
