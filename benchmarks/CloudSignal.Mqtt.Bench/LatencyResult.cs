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
    /// <summary>The first failed publish's exception (type and message), if any failed.</summary>
    public string? FirstFailure { get; init; }

    /// <summary>
    /// Every message arrived, the publisher kept the rate on average (≥ 99 %) and nothing was left queued at
    /// the end. Schedule lag is reported but not judged: on a loaded 2-core box it mostly measures how late
    /// the pacing thread is woken, not the library.
    /// </summary>
    public bool Sustained => Received == Sent && PublishFailures == 0 && SendRate >= 0.99 * Case.Rate && DrainMs < 100;
}
