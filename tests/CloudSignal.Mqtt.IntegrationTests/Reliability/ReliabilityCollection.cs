namespace CloudSignal.Mqtt.IntegrationTests.Reliability;

/// <summary>
/// The tests on the <see cref="Faults.ScriptedBroker"/> measure timing (keep alive detection) and
/// push a load (forced disconnects): they run alone, after the parallel collections, so neither
/// skews the other, nor a mosquitto test that measures the process heap (SlowConsumerTests).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "reliability";
}
