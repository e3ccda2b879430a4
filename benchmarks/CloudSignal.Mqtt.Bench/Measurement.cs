namespace CloudSignal.Mqtt.Bench;

/// <summary>
/// One library's figures for one scenario. AllocatedPerMessage is the whole process's allocation
/// (publisher + subscriber + the harness's counting callback) divided by the messages sent.
/// </summary>
internal sealed record Measurement(string Library, Scenario Scenario, int Received, TimeSpan Elapsed, long AllocatedBytes)
{
    public double MessagesPerSecond => Received / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => (double)Received * Scenario.PayloadSize / Elapsed.TotalSeconds / 1_000_000;

    public double AllocatedPerMessage => (double)AllocatedBytes / Scenario.Count;

    public int Lost => Scenario.Count - Received;
}
