namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>
/// Everything one harness run produced, saved as JSON; the Markdown table and SVG chart are
/// rendered from this alone, so <c>--report results.json</c> regenerates them without running.
/// </summary>
internal sealed class BenchReport
{
    /// <summary>Goal areas measured by suites other than the end-to-end one; listed as not measured until a suite adds a row for them.</summary>
    public static readonly IReadOnlyList<string> OtherSuites = ["sink", "allocation", "connections"];

    public string Mode { get; init; } = "short";

    public int Repetitions { get; init; }

    public DateTime StartedUtc { get; init; }

    public double DurationSeconds { get; set; }

    public MachineInfo Machine { get; init; } = MachineInfo.Unknown;

    /// <summary>1-minute load average before and after the suite: well above the core count means other work competed for the CPUs.</summary>
    public double? LoadAverageAtStart { get; init; }

    public double? LoadAverageAtEnd { get; set; }

    public List<ScenarioSummary> Scenarios { get; init; } = [];

    /// <summary>
    /// The hook for other suites: append a row per goal (Suite = one of <see cref="OtherSuites"/>)
    /// before the report is written. End-to-end rows are recomputed from <see cref="Scenarios"/>.
    /// </summary>
    public List<GoalRow> Goals { get; init; } = [];
}
