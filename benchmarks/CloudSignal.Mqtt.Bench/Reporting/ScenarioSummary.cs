using System.Text.Json.Serialization;

namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>
/// All repetitions of one scenario for both libraries. Medians leave out failed runs; the ratio is
/// the median of per-repetition ratios (ours / MQTTnet of the same repetition, run back to back),
/// so drift between repetitions cancels instead of adding up.
/// </summary>
internal sealed record ScenarioSummary(string Name, int PayloadSize, int Qos, int Window, int Count, IReadOnlyList<RunRecord> Runs)
{
    public const string Ours = "CloudSignal";
    public const string Theirs = "MQTTnet";

    public Spread OursMessagesPerSecond => Spread.Of(Succeeded(Ours).Select(r => r.MessagesPerSecond));

    public Spread TheirsMessagesPerSecond => Spread.Of(Succeeded(Theirs).Select(r => r.MessagesPerSecond));

    public Spread Ratio => Spread.Of(
        from a in Succeeded(Ours)
        join b in Succeeded(Theirs) on a.Repetition equals b.Repetition
        where b.MessagesPerSecond > 0
        select a.MessagesPerSecond / b.MessagesPerSecond);

    public static ScenarioSummary Create(Scenario scenario, IEnumerable<RunRecord> runs) =>
        new(scenario.Name, scenario.PayloadSize, scenario.Qos, scenario.Window, scenario.Count, runs.ToList());

    /// <summary>The successful runs of one library (a timed-out run counts: it measured a stall).</summary>
    public IEnumerable<RunRecord> Succeeded(string library) => Runs.Where(r => r.Library == library && r.Succeeded);

    /// <summary>Median of one per-run figure over a library's successful runs.</summary>
    public Spread Median(string library, Func<RunRecord, double> figure) => Spread.Of(Succeeded(library).Select(figure));

    /// <summary>"lost/timed out/failed" totals over all repetitions of one library, e.g. "0" or "12 (1 timed out)".</summary>
    public string Problems(string library)
    {
        RunRecord[] runs = Runs.Where(r => r.Library == library).ToArray();
        int lost = runs.Where(r => r.Succeeded).Sum(r => r.Lost);
        int timedOut = runs.Count(r => r.TimedOut);
        int failed = runs.Count(r => !r.Succeeded);
        var notes = new List<string>();
        if (timedOut > 0)
        {
            notes.Add($"{timedOut} timed out");
        }

        if (failed > 0)
        {
            notes.Add($"{failed} failed");
        }

        return notes.Count == 0 ? $"{lost}" : $"{lost} ({string.Join(", ", notes)})";
    }

    [JsonIgnore]
    public bool OursFailedDelivery =>
        Runs.Any(r => r.Library == Ours && (!r.Succeeded || r.TimedOut || (r.Qos > 0 && r.Lost > 0)));
}
