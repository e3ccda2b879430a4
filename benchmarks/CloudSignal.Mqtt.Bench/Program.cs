using System.Globalization;
using System.Text;
using System.Text.Json;
using CloudSignal.Mqtt.Bench;
using CloudSignal.Mqtt.Demo;

// End-to-end throughput: CloudSignalClient vs MQTTnet through a private mosquitto (issue 7).
// Usage: dotnet run -c Release --project benchmarks/CloudSignal.Mqtt.Bench -- [--short|--full] [--out DIR]
bool full = args.Contains("--full");
int outIndex = Array.IndexOf(args, "--out");
string outDirectory = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : DefaultResultsDirectory();

// Short: about a minute on a 2-core VM; full: 10x the messages.
int smallCount = full ? 100_000 : 10_000;
int largeCount = full ? 10_000 : 1_000;
var scenarios = new List<Scenario>();
foreach (int size in new[] { 64, 1024, 64 * 1024 })
{
    foreach (int qos in new[] { 0, 1, 2 })
    {
        foreach (int window in new[] { 1, 100 })
        {
            scenarios.Add(new Scenario(size, qos, window, size > 1024 ? largeCount : smallCount));
        }
    }
}

using LocalMosquitto broker = await LocalMosquitto.StartAsync();
Console.WriteLine($"# mosquitto on 127.0.0.1:{broker.Port}; {(full ? "full" : "short")} mode; "
    + $"{Environment.ProcessorCount} cores; .NET {Environment.Version}");

// A stalled run (seen once: MQTTnet 1 KiB QoS 2 window 100 took ~4 min) must not hold up the suite.
TimeSpan scenarioTimeout = TimeSpan.FromSeconds(full ? 300 : 30);
var ours = new ScenarioRunner(broker.Port, "CloudSignal", () => new CloudSignalBenchClient(), scenarioTimeout);
var theirs = new ScenarioRunner(broker.Port, "MQTTnet", () => new MqttNetBenchClient(), scenarioTimeout);

// Whole-process warm-up once per library (JIT of connect/subscribe paths), not recorded.
await ours.RunAsync(new Scenario(64, 1, 10, 200));
await theirs.RunAsync(new Scenario(64, 1, 10, 200));

var rows = new List<(Measurement Ours, Measurement Theirs)>();
foreach (Scenario scenario in scenarios)
{
    Measurement a = await ours.RunAsync(scenario);
    Measurement b = await theirs.RunAsync(scenario);
    rows.Add((a, b));
    Console.Error.WriteLine($"  {scenario.Name,-22} n={scenario.Count,-6} ours {a.MessagesPerSecond,9:F0} msg/s  MQTTnet {b.MessagesPerSecond,9:F0} msg/s");
}

string table = MarkdownTable(rows);
Console.WriteLine();
Console.WriteLine(table);

Directory.CreateDirectory(outDirectory);
string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
string jsonPath = Path.Combine(outDirectory, $"e2e-{(full ? "full" : "short")}-{stamp}.json");
await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(
    rows.SelectMany(r => new[] { r.Ours, r.Theirs }).Select(m => new
    {
        m.Library,
        Scenario = m.Scenario.Name,
        m.Scenario.PayloadSize,
        m.Scenario.Qos,
        m.Scenario.Window,
        Sent = m.Scenario.Count,
        m.Received,
        m.TimedOut,
        ElapsedMs = m.Elapsed.TotalMilliseconds,
        m.MessagesPerSecond,
        m.MegabytesPerSecond,
        AllocatedBytesPerMessageProcessWide = m.AllocatedPerMessage,
        PublisherAllocatedBytesPerMessage = m.PublisherAllocatedPerMessage,
        SubscriberAllocatedBytesPerMessageEstimate = m.SubscriberAllocatedPerMessage,
        PublisherOnlyMessagesPerSecond = m.PublisherOnlyMessagesPerSecond,
    }),
    new JsonSerializerOptions { WriteIndented = true }));
await File.WriteAllTextAsync(Path.ChangeExtension(jsonPath, ".md"), table);
Console.WriteLine($"Results: {jsonPath}");
// Non-zero when ours lost a QoS 1/2 message or stalled; MQTTnet's results are reported, not judged.
return rows.Any(r => r.Ours.TimedOut || (r.Ours.Lost > 0 && r.Ours.Scenario.Qos > 0)) ? 1 : 0;

static string MarkdownTable(List<(Measurement Ours, Measurement Theirs)> rows)
{
    var text = new StringBuilder();
    text.AppendLine("| scenario | N | ours msg/s | MQTTnet msg/s | ratio | ours MB/s | MQTTnet MB/s | ours B/msg | MQTTnet B/msg | ours pub/sub B/msg | MQTTnet pub/sub B/msg | lost (ours/MQTTnet) |");
    text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach ((Measurement a, Measurement b) in rows)
    {
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {a.Scenario.Name} | {a.Scenario.Count} | {a.MessagesPerSecond:F0} | {b.MessagesPerSecond:F0} | "
            + $"{a.MessagesPerSecond / b.MessagesPerSecond:F2} | {a.MegabytesPerSecond:F2} | {b.MegabytesPerSecond:F2} | "
            + $"{a.AllocatedPerMessage:F0} | {b.AllocatedPerMessage:F0} | "
            + $"{a.PublisherAllocatedPerMessage:F0} / {a.SubscriberAllocatedPerMessage:F0} | "
            + $"{b.PublisherAllocatedPerMessage:F0} / {b.SubscriberAllocatedPerMessage:F0} | {Lost(a)}/{Lost(b)} |"));
    }

    text.AppendLine();
    text.AppendLine("ratio = ours / MQTTnet msg/s (> 1: ours faster). B/msg = GC.GetTotalAllocatedBytes(precise) delta over the "
        + "measured run / N, whole process: publisher + subscriber + the harness's counting callback (both clients share the process). "
        + "pub/sub: pub = the same publishes re-run with nobody subscribed (publisher alone); sub = combined - pub, an estimate. "
        + "Elapsed = first publish to last receipt.");
    return text.ToString();
}

static string Lost(Measurement m) => m.TimedOut ? $"{m.Lost} (timed out)" : $"{m.Lost}";

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
