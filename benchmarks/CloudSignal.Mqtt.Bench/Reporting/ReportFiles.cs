using System.Text.Json;

namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>Saves a report as JSON + Markdown + SVG side by side, and loads a saved JSON for <c>--report</c>.</summary>
internal static class ReportFiles
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes &lt;dir&gt;/e2e-&lt;mode&gt;-&lt;time&gt;.json, .md and .svg; returns the JSON path.</summary>
    public static async Task<string> WriteAsync(BenchReport report, string directory)
    {
        RefreshGoals(report);
        Directory.CreateDirectory(directory);
        string stamp = report.StartedUtc.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        string jsonPath = Path.Combine(directory, $"e2e-{report.Mode}-{stamp}.json");
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(report, Json));
        await WriteRenderingsAsync(report, jsonPath);
        return jsonPath;
    }

    /// <summary>
    /// A side suite's files: &lt;dir&gt;/&lt;suite&gt;-&lt;mode&gt;-&lt;time&gt;.json (<paramref name="results"/>) and
    /// .md (<paramref name="markdown"/>); prints and returns the JSON path.
    /// </summary>
    public static string WriteSuite(string directory, string suite, bool full, object results, string markdown, string? note = null)
    {
        Directory.CreateDirectory(directory);
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        string jsonPath = Path.Combine(directory, $"{suite}-{(full ? "full" : "short")}-{stamp}.json");
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(results, Json));
        File.WriteAllText(Path.ChangeExtension(jsonPath, ".md"), markdown);
        Console.WriteLine($"Results: {jsonPath}{(note is null ? string.Empty : $" ({note})")}");
        return jsonPath;
    }

    /// <summary>Regenerates the .md and .svg next to a saved JSON (an old single-run array of runs loads too).</summary>
    public static async Task<string> RegenerateAsync(string jsonPath)
    {
        BenchReport report = Load(await File.ReadAllTextAsync(jsonPath));
        RefreshGoals(report);
        await WriteRenderingsAsync(report, jsonPath);
        return MarkdownReport.Render(report);
    }

    private static BenchReport Load(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return JsonSerializer.Deserialize<BenchReport>(json, Json) ?? throw new InvalidDataException("empty results file");
        }

        // The single-run harness saved a flat array of runs, one per library and scenario.
        RunRecord[] runs = JsonSerializer.Deserialize<RunRecord[]>(json, Json) ?? [];
        return new BenchReport
        {
            Mode = "unknown",
            Repetitions = 1,
            Scenarios = runs
                .GroupBy(r => (r.Scenario, r.PayloadSize, r.Qos, r.Window, r.Sent))
                .Select(g => new ScenarioSummary(g.Key.Scenario, g.Key.PayloadSize, g.Key.Qos, g.Key.Window, g.Key.Sent, g.ToList()))
                .ToList(),
        };
    }

    /// <summary>End-to-end goal rows are always recomputed from the scenarios; other suites' rows are kept as they are.</summary>
    private static void RefreshGoals(BenchReport report)
    {
        List<GoalRow> others = report.Goals.Where(g => g.Suite != EndToEndGoals.Suite).ToList();
        report.Goals.Clear();
        report.Goals.AddRange(EndToEndGoals.Evaluate(report.Scenarios));
        report.Goals.AddRange(others);
    }

    private static async Task WriteRenderingsAsync(BenchReport report, string jsonPath)
    {
        await File.WriteAllTextAsync(Path.ChangeExtension(jsonPath, ".md"), MarkdownReport.Render(report));
        await File.WriteAllTextAsync(Path.ChangeExtension(jsonPath, ".svg"), SvgChart.Render(report));
    }
}
