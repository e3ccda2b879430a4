using CloudSignal.Mqtt.Bench;
using CloudSignal.Mqtt.Bench.Reporting;
using CloudSignal.Mqtt.Demo;

// End-to-end throughput: CloudSignalClient vs MQTTnet through a private mosquitto (issue 7).
// Usage: dotnet run -c Release --project benchmarks/CloudSignal.Mqtt.Bench -- [--short|--full] [--out DIR]
//        ... -- --report benchmarks/results/e2e-short-<time>.json   (re-render .md/.svg only)
//        ... -- --suite latency|connections   (one side suite alone; each writes its own latency-*/connections-* JSON + MD)
bool full = args.Contains("--full");
int outIndex = Array.IndexOf(args, "--out");
string outDirectory = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : DefaultResultsDirectory();

int reportIndex = Array.IndexOf(args, "--report");
if (reportIndex >= 0 && reportIndex + 1 < args.Length)
{
    // Re-render the .md and .svg of a saved results JSON (e.g. the committed one behind README's chart).
    Console.WriteLine(await ReportFiles.RegenerateAsync(args[reportIndex + 1]));
    return 0;
}

using LocalMosquitto broker = await LocalMosquitto.StartAsync();
Console.WriteLine($"# mosquitto on 127.0.0.1:{broker.Port}; {(full ? "full" : "short")} mode; "
    + $"{Environment.ProcessorCount} cores; .NET {Environment.Version}");
int suiteIndex = Array.IndexOf(args, "--suite");
if (suiteIndex >= 0 && suiteIndex + 1 < args.Length)
{
    return args[suiteIndex + 1] == "latency" ? (LatencySuite.OursFailed(await LatencySuite.RunAsync(broker.Port, full, outDirectory)) ? 1 : 0)
        : ConnectionsSuite.OursFailed(await ConnectionsSuite.RunAsync(full, outDirectory)) ? 1 : 0;
}

var endToEnd = new EndToEndSuite(broker.Port, full);
BenchReport report = await endToEnd.RunAsync();

// Other suites add their goal rows here: report.Goals.Add(new GoalRow("sink", goal, target, measured, met)).
IReadOnlyList<LatencyResult> latency = await LatencySuite.RunAsync(broker.Port, full, outDirectory);
IReadOnlyList<ConnectionsResult> connections = await ConnectionsSuite.RunAsync(full, outDirectory);
report.Goals.AddRange(LatencySuite.Goals(latency).Concat(ConnectionsSuite.Goals(connections)));
string jsonPath = await ReportFiles.WriteAsync(report, outDirectory);
Console.WriteLine();
Console.WriteLine(MarkdownReport.Render(report));
Console.WriteLine($"Results: {jsonPath} (+ .md, .svg)");
// Non-zero when ours lost a QoS 1/2 message, stalled or threw; MQTTnet's results are reported, not judged.
return endToEnd.OursFailedDelivery || LatencySuite.OursFailed(latency) || ConnectionsSuite.OursFailed(connections) ? 1 : 0;

static string DefaultResultsDirectory()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "CloudSignal.Mqtt.sln")))
        {
            return Path.Combine(dir.FullName, "benchmarks", "results");
        }
    }

    return Path.Combine(Directory.GetCurrentDirectory(), "results");
}
