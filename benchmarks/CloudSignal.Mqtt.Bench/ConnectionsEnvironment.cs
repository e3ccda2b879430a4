namespace CloudSignal.Mqtt.Bench;

/// <summary>The OS limits the many-connections suite ran under (open files here and in the broker, ephemeral port range).</summary>
internal sealed record ConnectionsEnvironment(string OpenFiles, string? OpenFilesError, string BrokerOpenFiles, string EphemeralPorts)
{
    /// <summary>1/5/15-minute load averages before → after the suite.</summary>
    public string LoadAverage { get; init; } = string.Empty;
}
