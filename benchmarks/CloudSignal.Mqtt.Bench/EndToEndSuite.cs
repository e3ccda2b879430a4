using System.Diagnostics;
using CloudSignal.Mqtt.Bench.Reporting;

namespace CloudSignal.Mqtt.Bench;

/// <summary>
/// The end-to-end throughput suite: every scenario R times per library. Repetition is the outer
/// loop and the two libraries run back to back per scenario, ours first in even repetitions and
/// MQTTnet first in odd ones, so a slow spell of the shared 2-core machine hits one repetition
/// of both rather than every run of one scenario or one library; medians then drop it.
/// </summary>
internal sealed class EndToEndSuite(int port, bool full)
{
    // Short: R = 3, about 2 min on 2 cores; full: R = 5 at 5–6× the short N (about 15 min). Awaited one by one, QoS 1/2
    // are round-trip bound (3–9k msg/s, steady), so they get fewer messages than the fast scenarios.
    private readonly int _repetitions = full ? 5 : 3;
    private readonly int _smallCount = full ? 30_000 : 5_000;
    private readonly int _roundTripCount = full ? 10_000 : 2_000;
    private readonly int _largeCount = full ? 3_000 : 500;

    // A stalled run (seen: MQTTnet 1 KiB QoS 2 window 100) must not hold up the suite; short runs take ≤ 2 s.
    private readonly TimeSpan _scenarioTimeout = TimeSpan.FromSeconds(full ? 300 : 10);

    /// <summary>True when ours lost a QoS 1/2 message, stalled or threw in any repetition.</summary>
    public bool OursFailedDelivery { get; private set; }

    public async Task<BenchReport> RunAsync()
    {
        var report = new BenchReport
        {
            Mode = full ? "full" : "short",
            Repetitions = _repetitions,
            StartedUtc = DateTime.UtcNow,
            Machine = MachineInfo.Collect(),
            LoadAverageAtStart = MachineInfo.LoadAverage(),
        };
        long start = Stopwatch.GetTimestamp();
        List<Scenario> scenarios = Scenarios();
        var runs = scenarios.ToDictionary(s => s, _ => new List<RunRecord>());

        // Whole-process warm-up once per library (JIT of connect/subscribe paths), not recorded.
        await RunOnceAsync(ScenarioSummary.Ours, new Scenario(64, 1, 10, 200), -1);
        await RunOnceAsync(ScenarioSummary.Theirs, new Scenario(64, 1, 10, 200), -1);

        for (int repetition = 0; repetition < _repetitions; repetition++)
        {
            string[] order = repetition % 2 == 0
                ? [ScenarioSummary.Ours, ScenarioSummary.Theirs]
                : [ScenarioSummary.Theirs, ScenarioSummary.Ours];
            foreach (Scenario scenario in scenarios)
            {
                foreach (string library in order)
                {
                    runs[scenario].Add(await RunOnceAsync(library, scenario, repetition));
                }

                Progress(repetition, scenario, runs[scenario]);
            }
        }

        report.Scenarios.AddRange(scenarios.Select(s => ScenarioSummary.Create(s, runs[s])));
        report.DurationSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        report.LoadAverageAtEnd = MachineInfo.LoadAverage();
        OursFailedDelivery = report.Scenarios.Any(s => s.OursFailedDelivery);
        return report;
    }

    private List<Scenario> Scenarios()
    {
        var scenarios = new List<Scenario>();
        foreach (int size in new[] { 64, 1024, 64 * 1024 })
        {
            foreach (int qos in new[] { 0, 1, 2 })
            {
                foreach (int window in new[] { 1, 100 })
                {
                    int count = size > 1024 ? _largeCount : qos > 0 && window == 1 ? _roundTripCount : _smallCount;
                    scenarios.Add(new Scenario(size, qos, window, count));
                }
            }
        }

        return scenarios;
    }

    /// <summary>
    /// One run on a fresh runner (no state shared with an abandoned run). A run that throws, or
    /// hangs well past the scenario timeout (e.g. in a disconnect), is recorded as failed.
    /// </summary>
    private async Task<RunRecord> RunOnceAsync(string library, Scenario scenario, int repetition)
    {
        Func<IBenchClient> create = library == ScenarioSummary.Ours
            ? () => new CloudSignalBenchClient()
            : () => new MqttNetBenchClient();
        var runner = new ScenarioRunner(port, library, create, _scenarioTimeout);
        try
        {
            Measurement measurement = await runner.RunAsync(scenario, splitPublisher: repetition == 0).WaitAsync(3 * _scenarioTimeout);
            return RunRecord.From(measurement, repetition);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"  {library} {scenario.Name} (repetition {repetition + 1}) failed: {e.GetType().Name}: {e.Message}");
            return RunRecord.Failed(library, scenario, repetition, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private void Progress(int repetition, Scenario scenario, List<RunRecord> runs)
    {
        RunRecord ours = runs.Last(r => r.Library == ScenarioSummary.Ours);
        RunRecord theirs = runs.Last(r => r.Library == ScenarioSummary.Theirs);
        Console.Error.WriteLine($"  [{repetition + 1}/{_repetitions}] {scenario.Name,-22} n={scenario.Count,-6} "
            + $"ours {ours.MessagesPerSecond,9:F0} msg/s  MQTTnet {theirs.MessagesPerSecond,9:F0} msg/s"
            + (theirs.MessagesPerSecond > 0 ? $"  {ours.MessagesPerSecond / theirs.MessagesPerSecond,5:F2}x" : string.Empty));
    }
}
