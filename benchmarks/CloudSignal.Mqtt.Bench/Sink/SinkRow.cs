namespace CloudSignal.Mqtt.Bench.Sink;

/// <summary>One scenario against the sink: both clients, and for QoS 0 the raw-socket ceiling of that payload size.</summary>
internal sealed record SinkRow(Scenario Scenario, SinkMeasurement Ours, SinkMeasurement Theirs, SinkMeasurement? Raw)
{
    public double OursPercentOfRaw => Raw is null ? double.NaN : 100 * Ours.MessagesPerSecond / Raw.MessagesPerSecond;

    public double TheirsPercentOfRaw => Raw is null ? double.NaN : 100 * Theirs.MessagesPerSecond / Raw.MessagesPerSecond;
}
