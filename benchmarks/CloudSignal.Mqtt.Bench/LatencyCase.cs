namespace CloudSignal.Mqtt.Bench;

/// <summary>One latency-under-load case: a fixed publish rate for a fixed time.</summary>
internal sealed record LatencyCase(int Rate, int Qos, int PayloadSize, TimeSpan Duration)
{
    public int Count => (int)(Rate * Duration.TotalSeconds);

    public string Name => $"{Rate:N0}/s {PayloadSize} B QoS{Qos}";
}
