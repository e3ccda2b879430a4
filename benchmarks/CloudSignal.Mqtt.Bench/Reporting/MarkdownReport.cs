using System.Globalization;
using System.Text;

namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>The Markdown results: header with the machine, the per-scenario table, then the goals.</summary>
internal static class MarkdownReport
{
    public static string Render(BenchReport report)
    {
        var text = new StringBuilder();
        MachineInfo machine = report.Machine;
        text.AppendLine(Invariant($"## End to end: CloudSignal.Mqtt vs MQTTnet ({report.Mode} mode, median of {report.Repetitions})"));
        text.AppendLine();
        string commit = machine.Commit is null ? string.Empty : $", commit {machine.Commit}";
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{machine.Summary}; {report.StartedUtc:yyyy-MM-dd HH:mm} UTC, suite took {report.DurationSeconds:F0} s{commit}."));
        text.AppendLine();
        if (LoadNote(report) is { } load)
        {
            text.AppendLine(load);
            text.AppendLine();
        }

        AppendTable(text, report.Scenarios);
        AppendGoals(text, report.Goals);
        return text.ToString();
    }

    private static void AppendTable(StringBuilder text, List<ScenarioSummary> scenarios)
    {
        const string ours = ScenarioSummary.Ours;
        const string theirs = ScenarioSummary.Theirs;
        text.AppendLine("| scenario | N | ours msg/s | MQTTnet msg/s | ratio | ours MB/s | MQTTnet MB/s | ours B/msg | MQTTnet B/msg | ours pub/sub B/msg | MQTTnet pub/sub B/msg | lost (ours/MQTTnet) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ScenarioSummary s in scenarios)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Name} | {s.Count} | {WithRange(s.OursMessagesPerSecond, "F0")} | {WithRange(s.TheirsMessagesPerSecond, "F0")} | "
                + $"{WithRange(s.Ratio, "F2")} | {Median(s, ours, r => r.MegabytesPerSecond, "F2")} | {Median(s, theirs, r => r.MegabytesPerSecond, "F2")} | "
                + $"{Median(s, ours, r => r.AllocatedBytesPerMessageProcessWide)} | {Median(s, theirs, r => r.AllocatedBytesPerMessageProcessWide)} | "
                + $"{Split(s, ours, r => r.PublisherAllocatedBytesPerMessage)} / {Split(s, ours, r => r.SubscriberAllocatedBytesPerMessageEstimate)} | "
                + $"{Split(s, theirs, r => r.PublisherAllocatedBytesPerMessage)} / {Split(s, theirs, r => r.SubscriberAllocatedBytesPerMessageEstimate)} | "
                + $"{s.Problems(ours)} / {s.Problems(theirs)} |"));
        }

        text.AppendLine();
        text.AppendLine("msg/s: median over the repetitions (min–max). ratio = ours / MQTTnet msg/s of the same repetition (the two run "
            + "back to back, alternating which goes first), median (min–max); > 1: ours faster. Other columns are medians. "
            + "B/msg = GC.GetTotalAllocatedBytes(precise) delta over the measured run / N, whole process: publisher + subscriber + "
            + "the harness's counting callback (both clients share the process). pub/sub: pub = the same publishes re-run with nobody "
            + "subscribed (publisher alone, first repetition only); sub = combined - pub, an estimate. Elapsed = first publish to last receipt. "
            + "lost = sum over the repetitions; a failed run (exception) is left out of the medians.");
        text.AppendLine();
    }

    private static void AppendGoals(StringBuilder text, List<GoalRow> goals)
    {
        text.AppendLine("### Goals");
        text.AppendLine();
        text.AppendLine("| suite | goal | target | measured | met |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (GoalRow goal in goals)
        {
            string met = goal.Met switch { true => "met", false => "**not met**", null => "not measured" };
            text.AppendLine($"| {goal.Suite} | {goal.Goal} | {goal.Target} | {goal.Measured} | {met} |");
        }

        text.AppendLine();
        foreach (IGrouping<string, GoalRow> suite in goals.GroupBy(g => g.Suite))
        {
            text.AppendLine($"- {suite.Key}: {suite.Count(g => g.Met == true)} of {suite.Count()} met.");
        }

        string[] missing = BenchReport.OtherSuites.Where(name => goals.All(g => g.Suite != name)).ToArray();
        if (missing.Length > 0)
        {
            text.AppendLine($"- Not measured in this run: {string.Join(", ", missing)} (their suites add rows to the goals list).");
        }
    }

    /// <summary>"Load average 14.9 → 12.5 on 2 cores (...)", flagged when other work competed for the CPUs; null when not recorded.</summary>
    public static string? LoadNote(BenchReport report)
    {
        if (report.LoadAverageAtStart is not { } start || report.LoadAverageAtEnd is not { } end)
        {
            return null;
        }

        int cores = Math.Max(1, report.Machine.Cores);
        // The suite itself keeps about 2 threads busy (clients + mosquitto): the end figure includes them.
        string verdict = start > 0.5 * cores || end > 1.5 * cores
            ? "other work competed for the CPUs: treat the figures as noisy"
            : "machine otherwise quiet";
        return string.Create(CultureInfo.InvariantCulture, $"Load average {start:F1} → {end:F1} on {cores} cores ({verdict}).");
    }

    private static string WithRange(Spread spread, string format) => spread.HasValue
        ? spread.Count == 1
            ? spread.Median.ToString(format, CultureInfo.InvariantCulture)
            : Invariant($"{spread.Median.ToString(format, CultureInfo.InvariantCulture)} ({spread.Min.ToString(format, CultureInfo.InvariantCulture)}–{spread.Max.ToString(format, CultureInfo.InvariantCulture)})")
        : "n/a";

    private static string Median(ScenarioSummary s, string library, Func<RunRecord, double> figure, string format = "F0")
    {
        Spread spread = s.Median(library, figure);
        return spread.HasValue ? spread.Median.ToString(format, CultureInfo.InvariantCulture) : "n/a";
    }

    /// <summary>A pub/sub split figure: only the runs that made the publisher-only rerun.</summary>
    private static string Split(ScenarioSummary s, string library, Func<RunRecord, double> figure)
    {
        Spread spread = Spread.Of(s.Succeeded(library).Where(r => r.HasPublisherSplit).Select(figure));
        return spread.HasValue ? spread.Median.ToString("F0", CultureInfo.InvariantCulture) : "n/a";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
