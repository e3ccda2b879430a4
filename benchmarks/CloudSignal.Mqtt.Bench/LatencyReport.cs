using System.Globalization;
using System.Text;
using CloudSignal.Mqtt.Bench.Reporting;

namespace CloudSignal.Mqtt.Bench;

/// <summary>The latency suite's markdown table (stdout and .md) and JSON.</summary>
internal static class LatencyReport
{
    public static void Write(IReadOnlyList<LatencyResult> results, string loadAverage, bool full, string outDirectory)
    {
        string table = Table(results, loadAverage);
        Console.WriteLine();
        Console.WriteLine(table);

        ReportFiles.WriteSuite(outDirectory, "latency", full,
            new
            {
                LoadAverage = loadAverage,
                Results = results.Select(r => new
                {
                    r.Library,
                    Case = r.Case.Name,
                    r.Case.Rate,
                    r.Case.Qos,
                    r.Case.PayloadSize,
                    DurationSeconds = r.Case.Duration.TotalSeconds,
                    r.Sent,
                    r.Received,
                    r.Resyncs,
                    r.PublishFailures,
                    r.FirstFailure,
                    r.SendRate,
                    r.P50Us,
                    r.P99Us,
                    r.P999Us,
                    r.MaxUs,
                    r.P99FromScheduleUs,
                    r.P99ScheduleLagMs,
                    r.MaxScheduleLagMs,
                    r.DrainMs,
                    r.Sustained,
                }),
            },
            table);
    }

    private static string Table(IReadOnlyList<LatencyResult> results, string loadAverage)
    {
        var text = new StringBuilder();
        text.AppendLine("| case | library | p50 µs | p99 µs | p99.9 µs | max µs | received/sent | send rate/s | p99 lag ms | drain ms | sustained |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (LatencyResult r in results)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Case.Name} | {r.Library} | {r.P50Us:F0} | {r.P99Us:F0} | {r.P999Us:F0} | {r.MaxUs:F0} | "
                + $"{r.Received}/{r.Sent}{(r.Resyncs > 0 ? $" ({r.Resyncs} resyncs)" : string.Empty)} | {r.SendRate:F0} | "
                + $"{r.P99ScheduleLagMs:F2} | {r.DrainMs:F1} | {(r.Sustained ? "yes" : "NO")} |"));
        }

        text.AppendLine();
        text.AppendLine("Latency = subscriber callback time - publish call time (one process, one clock), matched by arrival order "
            + "(every 100th payload is 1 byte longer, a marker that detects loss/reordering and resynchronises). "
            + "Publisher paced on an absolute schedule in ~1 ms steps (sends all due messages, then sleeps 1 ms); QoS 1 "
            + "publishes are not awaited one by one. lag = send time - scheduled time. drain = last receipt - last send. "
            + "sustained = all received, no failed publish, send rate ≥ 99 % of the target, drain < 100 ms. "
            + $"Load average (1/5/15 min) before → after: {loadAverage}.");
        foreach (LatencyResult r in results.Where(r => r.FirstFailure is not null))
        {
            text.AppendLine();
            text.AppendLine($"{r.Case.Name} {r.Library}: {r.PublishFailures} publishes failed; first: {r.FirstFailure}");
        }

        return text.ToString();
    }
}
