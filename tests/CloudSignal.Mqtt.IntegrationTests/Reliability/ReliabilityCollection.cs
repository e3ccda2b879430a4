namespace CloudSignal.Mqtt.IntegrationTests.Reliability;

/// <summary>
/// The reliability tests measure timing (keep alive detection) and push a load (forced
/// disconnects): they run alone, after the parallel collections, so neither skews the other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "reliability";
}
