namespace CloudSignal.Mqtt.Bench;

/// <summary>The OS limits the many-connections suite ran under (open files here and in the broker, ephemeral port range).</summary>
internal sealed record ConnectionsEnvironment(string OpenFiles, string? OpenFilesError, string BrokerOpenFiles, string EphemeralPorts);
