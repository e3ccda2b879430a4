namespace CloudSignal.Mqtt.Bench;

/// <summary>
/// One library's latency figures for one case. Latency = receipt time - the time the publish call
/// was made (same process clock), in microseconds. ScheduleLag = send time - scheduled time.
/// </summary>
internal sealed record LatencyResult(
    string Library,
    LatencyCase Case,
    int Sent,
    int Received,
    int Resyncs,
    int PublishFailures,
    double SendRate,
    double P50Us,
    double P99Us,
    double P999Us,
    double MaxUs,
    double P99FromScheduleUs,
    double P99ScheduleLagMs,
    double MaxScheduleLagMs,
    double DrainMs)
{
    /// <summary>Every message arrived, the publisher kept to its schedule and nothing was left queued at the end.</summary>
    public bool Sustained => Received == Sent && PublishFailures == 0 && P99ScheduleLagMs < 5 && DrainMs < 100;
}
