namespace CloudSignal.Mqtt.Bench;

/// <summary>One measured case; Window 1 = each publish awaited before the next.</summary>
internal sealed record Scenario(int PayloadSize, int Qos, int Window, int Count)
{
    public string Name => $"{SizeLabel} QoS{Qos} {(Window == 1 ? "1-by-1" : $"window {Window}")}";

    private string SizeLabel => PayloadSize >= 1024 ? $"{PayloadSize / 1024} KiB" : $"{PayloadSize} B";
}
