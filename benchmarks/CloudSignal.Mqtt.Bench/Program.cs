using CloudSignal.Mqtt.Bench;
using CloudSignal.Mqtt.Bench.Reporting;
using CloudSignal.Mqtt.Bench.Sink;
using CloudSignal.Mqtt.Demo;

// Issue 7's suite: CloudSignalClient vs MQTTnet 5.2.0.1603 end to end through a private mosquitto,
// then against a local sink (client-only limit, raw-socket ceiling), latency at fixed rates and
// 10,000 connections. Each suite writes its JSON + MD (e2e also an SVG chart) into the results folder.
// Usage: dotnet run -c Release --project benchmarks/CloudSignal.Mqtt.Bench -- [--short|--full] [--out DIR]
//        ... -- --suite e2e|sink|latency|connections     (one suite alone)
//        ... -- --report benchmarks/results/e2e-short-<time>.json   (re-render .md/.svg only)
bool full = args.Contains("--full");
int outIndex = Array.IndexOf(args, "--out");
string outDirectory = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : DefaultResultsDirectory();
int suiteIndex = Array.IndexOf(args, "--suite");
string suite = suiteIndex >= 0 && suiteIndex + 1 < args.Length ? args[suiteIndex + 1] : "all";
bool Runs(string name) => suite == "all" || suite == name;

int reportIndex = Array.IndexOf(args, "--report");
if (reportIndex >= 0 && reportIndex + 1 < args.Length)
{
    // Re-render the .md and .svg of a saved results JSON (e.g. the committed one behind README's chart).
    Console.WriteLine(await ReportFiles.RegenerateAsync(args[reportIndex + 1]));
    return 0;
}

if (suite is not ("all" or "e2e" or "sink" or "latency" or "connections"))
{
    Console.Error.WriteLine($"unknown suite '{suite}': e2e, sink, latency or connections");
    return 2;
}

bool oursFailed = false;
var goals = new List<GoalRow>();
BenchReport? report = null;
EndToEndSuite? endToEnd = null;
if (Runs("e2e") || Runs("latency"))
{
    using LocalMosquitto broker = await LocalMosquitto.StartAsync();
    Console.WriteLine($"# mosquitto on 127.0.0.1:{broker.Port}; {(full ? "full" : "short")} mode; "
        + $"{Environment.ProcessorCount} cores; .NET {Environment.Version}");
    if (Runs("e2e"))
    {
        endToEnd = new EndToEndSuite(broker.Port, full);
        report = await endToEnd.RunAsync();
        oursFailed |= endToEnd.OursFailedDelivery;
    }

    if (Runs("latency"))
    {
        IReadOnlyList<LatencyResult> latency = await LatencySuite.RunAsync(broker.Port, full, outDirectory);
        goals.AddRange(LatencySuite.Goals(latency));
        oursFailed |= LatencySuite.OursFailed(latency);
    }
}

if (Runs("sink"))
{
    SinkSuiteResult sink = await SinkSuite.RunAsync(full, outDirectory);
    goals.AddRange(SinkSuite.Goals(sink));
    oursFailed |= sink.OursTimedOut;
}

if (Runs("connections"))
{
    // Its own mosquitto, started after the harness raised the open-files limit.
    IReadOnlyList<ConnectionsResult> connections = await ConnectionsSuite.RunAsync(full, outDirectory);
    goals.AddRange(ConnectionsSuite.Goals(connections));
    oursFailed |= ConnectionsSuite.OursFailed(connections);
}

if (report is not null)
{
    // Every suite's goal rows go into the e2e report, so one Markdown file states them all.
    report.Goals.AddRange(goals);
    string jsonPath = await ReportFiles.WriteAsync(report, outDirectory);
    Console.WriteLine();
    Console.WriteLine(MarkdownReport.Render(report));
    Console.WriteLine($"Results: {jsonPath} (+ .md, .svg)");
}
else
{
    foreach (GoalRow goal in goals)
    {
        Console.WriteLine($"{goal.Suite}: {goal.Goal} — {goal.Measured} ({(goal.Met is bool met ? met ? "met" : "not met" : "n/a")})");
    }
}

// Non-zero when ours lost a QoS 1/2 message, stalled or threw; MQTTnet's results are reported, not judged.
return oursFailed ? 1 : 0;

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
