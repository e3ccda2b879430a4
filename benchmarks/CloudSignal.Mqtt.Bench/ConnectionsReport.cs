using System.Globalization;
using System.Text;
using CloudSignal.Mqtt.Bench.Reporting;

namespace CloudSignal.Mqtt.Bench;

/// <summary>The many-connections suite's markdown table (stdout and .md) and JSON.</summary>
internal static class ConnectionsReport
{
    private const double KiB = 1024;
    private const double MiB = 1024 * 1024;

    public static void Write(IReadOnlyList<ConnectionsResult> results, ConnectionsEnvironment environment, bool full, string outDirectory)
    {
        string table = Table(results, environment);
        Console.WriteLine();
        Console.WriteLine(table);

        ReportFiles.WriteSuite(outDirectory, "connections", full,
            new
            {
                Environment = environment,
                Results = results.Select(r => new
                {
                    r.Library,
                    r.Target,
                    r.InFlight,
                    r.Connected,
                    r.Failed,
                    r.FirstError,
                    ConnectSeconds = r.ConnectElapsed.TotalSeconds,
                    r.ConnectsPerSecond,
                    r.ConnectP50Ms,
                    r.ConnectP99Ms,
                    r.ConnectMaxMs,
                    r.WorkingSetDelta,
                    r.WorkingSetPerConnection,
                    r.GcHeapDelta,
                    r.GcHeapPerConnection,
                    r.GcCommittedDelta,
                    r.ThreadsBefore,
                    r.ThreadsAfter,
                    r.BrokerRssDelta,
                    r.BrokerRssPerConnection,
                    DisconnectSeconds = r.DisconnectElapsed.TotalSeconds,
                    r.WorkingSetAfterDisconnectDelta,
                    r.UnderOneGiBFor10k,
                }),
            },
            table);
    }

    private static string Table(IReadOnlyList<ConnectionsResult> results, ConnectionsEnvironment environment)
    {
        var text = new StringBuilder();
        text.AppendLine("| library | connected | failed | connect s | connects/s | connect p50/p99/max ms | WS Δ MiB | WS KiB/conn | GC heap KiB/conn | GC committed Δ MiB | threads before→after | broker RSS KiB/conn | disconnect s | < 1 GiB per 10k |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (ConnectionsResult r in results)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Library} | {r.Connected}/{r.Target} | {r.Failed} | {r.ConnectElapsed.TotalSeconds:F2} | {r.ConnectsPerSecond:F0} | "
                + $"{r.ConnectP50Ms:F1}/{r.ConnectP99Ms:F1}/{r.ConnectMaxMs:F1} | {r.WorkingSetDelta / MiB:F0} | {r.WorkingSetPerConnection / KiB:F1} | "
                + $"{r.GcHeapPerConnection / KiB:F1} | {r.GcCommittedDelta / MiB:F0} | {r.ThreadsBefore}→{r.ThreadsAfter} | "
                + $"{r.BrokerRssPerConnection / KiB:F1} | {r.DisconnectElapsed.TotalSeconds:F2} | {(r.UnderOneGiBFor10k ? "yes" : "NO")} |"));
        }

        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.FirstOrDefault()?.InFlight ?? 0} connects (and disconnects) in flight at most; MQTT 5, clean start, keepalive 60 s, one process. "
            + $"Open files (soft/hard): {environment.OpenFiles}{(environment.OpenFilesError is null ? string.Empty : $" ({environment.OpenFilesError})")}; "
            + $"broker's: {environment.BrokerOpenFiles}; ephemeral ports {environment.EphemeralPorts}. "
            + $"WS = process working set, GC heap = live managed bytes; both deltas are all-connected minus before, each after a full GC, "
            + $"divided by the connections made. Broker RSS = mosquitto's VmRSS delta (meaningful for the first library only: "
            + $"mosquitto keeps freed memory). Load average (1/5/15 min) before → after: {environment.LoadAverage}."));
        foreach (ConnectionsResult r in results.Where(r => r.FirstError is not null))
        {
            text.AppendLine();
            text.AppendLine($"{r.Library} first error: {r.FirstError}");
        }

        return text.ToString();
    }
}
