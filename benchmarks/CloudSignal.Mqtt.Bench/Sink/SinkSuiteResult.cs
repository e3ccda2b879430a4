namespace CloudSignal.Mqtt.Bench.Sink;

/// <summary>What <see cref="SinkSuite.RunAsync"/> produced: the rows, the markdown table and the JSON file written.</summary>
internal sealed record SinkSuiteResult(IReadOnlyList<SinkRow> Rows, string Markdown, string JsonPath)
{
    /// <summary>True when any of our runs stalled (a harness or client failure, not a slow result).</summary>
    public bool OursTimedOut => Rows.Any(r => r.Ours.TimedOut);
}
