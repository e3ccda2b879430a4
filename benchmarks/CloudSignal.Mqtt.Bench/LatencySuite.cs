using System.Diagnostics;
using System.Globalization;
using CloudSignal.Mqtt.Bench.Reporting;

namespace CloudSignal.Mqtt.Bench;

/// <summary>
/// Latency under load (issue 7): publisher → mosquitto → subscriber at a fixed rate, per library.
/// The publisher keeps to an absolute schedule (message i due at start + i/rate, so lateness never
/// accumulates into drift) and sends whatever is due, sleeping ~1 ms when nothing is: per-message
/// sleeps cannot hit 100 µs gaps and spinning would steal one of the two cores from the broker.
/// </summary>
internal static class LatencySuite
{
    private const int PayloadSize = 64;
    private static readonly TimeSpan WarmupDuration = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(2);

    public static async Task<IReadOnlyList<LatencyResult>> RunAsync(int port, bool full, string outDirectory)
    {
        // Short: 8 cases × ~4 s ≈ 35 s; full: 20 s per case.
        TimeSpan duration = TimeSpan.FromSeconds(full ? 20 : 3);
        var cases = new List<LatencyCase>();
        foreach (int rate in new[] { 1_000, 10_000 })
        {
            foreach (int qos in new[] { 0, 1 })
            {
                cases.Add(new LatencyCase(rate, qos, PayloadSize, duration));
            }
        }

        var libraries = new (string Name, Func<IBenchClient> Create)[]
        {
            ("CloudSignal", () => new CloudSignalBenchClient()),
            ("MQTTnet", () => new MqttNetBenchClient()),
        };

        Console.Error.WriteLine($"# latency under load: {cases.Count} cases × {libraries.Length} libraries, {duration.TotalSeconds:F0} s each");
        var results = new List<LatencyResult>();
        string loadBefore = ProcessProbe.LoadAverage();
        foreach (LatencyCase latencyCase in cases)
        {
            foreach ((string name, Func<IBenchClient> create) in libraries)
            {
                LatencyResult result = await RunCaseAsync(port, name, create, latencyCase);
                results.Add(result);
                Console.Error.WriteLine($"  {latencyCase.Name,-22} {name,-11} p50 {result.P50Us,7:F0} µs  p99 {result.P99Us,7:F0}  "
                    + $"p99.9 {result.P999Us,7:F0}  max {result.MaxUs,8:F0}  {result.Received}/{result.Sent}  "
                    + $"{(result.Sustained ? "sustained" : "NOT sustained")}");
            }
        }

        LatencyReport.Write(results, $"{loadBefore} → {ProcessProbe.LoadAverage()}", full, outDirectory);
        return results;
    }

    /// <summary>Goal rows for the shared report: whether ours sustained each rate, with its percentiles.</summary>
    public static IEnumerable<GoalRow> Goals(IReadOnlyList<LatencyResult> results) =>
        results.Where(r => r.Library == "CloudSignal").Select(r => new GoalRow(
            "latency",
            $"sustain {r.Case.Name}",
            "all received, send rate ≥ 99 %, drain < 100 ms",
            string.Create(CultureInfo.InvariantCulture, $"p50 {r.P50Us:F0} µs, p99 {r.P99Us:F0} µs, p99.9 {r.P999Us:F0} µs, max {r.MaxUs:F0} µs; {r.Received}/{r.Sent}"),
            r.Sustained));

    /// <summary>True when ours lost or failed a QoS 1 publish (MQTTnet's results are reported, not judged).</summary>
    public static bool OursFailed(IReadOnlyList<LatencyResult> results) =>
        results.Any(r => r.Library == "CloudSignal" && r.Case.Qos > 0 && (r.Received < r.Sent || r.PublishFailures > 0));

    private static async Task<LatencyResult> RunCaseAsync(int port, string library, Func<IBenchClient> create, LatencyCase latencyCase)
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string topic = $"latency/{library}/{suffix}";
        byte[] payload = new byte[latencyCase.PayloadSize];
        byte[] marker = new byte[latencyCase.PayloadSize + 1];
        Random.Shared.NextBytes(payload);
        Random.Shared.NextBytes(marker);

        await using IBenchClient subscriber = create();
        await using IBenchClient publisher = create();
        await subscriber.ConnectAsync(port, $"lsub-{suffix}");
        await publisher.ConnectAsync(port, $"lpub-{suffix}");
        LatencyRecorder? recorder = null;
        await subscriber.SubscribeAsync(topic, latencyCase.Qos, length => Volatile.Read(ref recorder)?.OnMessage(length, marker.Length));

        // Warm-up at the case's rate (JIT, pools, socket buffers), drained before the measured run.
        var warmup = new LatencyRecorder((int)(latencyCase.Rate * WarmupDuration.TotalSeconds));
        Volatile.Write(ref recorder, warmup);
        _ = await SendAtRateAsync(publisher, topic, payload, marker, latencyCase, warmup);
        await DrainAsync(warmup);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var measured = new LatencyRecorder(latencyCase.Count);
        Volatile.Write(ref recorder, measured);
        (int failures, string? firstFailure) = await SendAtRateAsync(publisher, topic, payload, marker, latencyCase, measured);
        await DrainAsync(measured);

        // A client that failed under the load may no longer be connected: its figures still count.
        await QuietlyAsync(publisher.DisconnectAsync);
        await QuietlyAsync(subscriber.DisconnectAsync);
        return Summarise(library, latencyCase, measured, failures) with { FirstFailure = firstFailure };
    }

    /// <summary>Paces the publishes on a dedicated thread; returns how many publish calls failed, and the first error.</summary>
    private static async Task<(int Failures, string? FirstFailure)> SendAtRateAsync(
        IBenchClient publisher, string topic, byte[] payload, byte[] marker, LatencyCase latencyCase, LatencyRecorder recorder)
    {
        var pending = new List<Task>();
        await Task.Factory.StartNew(
            () => Pace(publisher, topic, payload, marker, latencyCase, recorder, pending),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        // QoS 1 publishes complete on PUBACK; they were not awaited one by one, so the rate is not capped by the round trip.
        int failures = 0;
        string? firstFailure = null;
        foreach (Task task in pending)
        {
            try
            {
                await task.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures++;
                firstFailure ??= $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        return (failures, firstFailure);
    }

    private static async Task QuietlyAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"  (disconnect after the run failed: {ex.GetType().Name})");
        }
    }

    private static void Pace(
        IBenchClient publisher, string topic, byte[] payload, byte[] marker, LatencyCase latencyCase, LatencyRecorder recorder, List<Task> pending)
    {
        double ticksPerMessage = (double)Stopwatch.Frequency / latencyCase.Rate;
        long start = Stopwatch.GetTimestamp();
        int next = 0;
        while (next < recorder.Count)
        {
            long now = Stopwatch.GetTimestamp();
            int due = Math.Min(recorder.Count, (int)((now - start) / ticksPerMessage) + 1);
            for (; next < due; next++)
            {
                recorder.Scheduled[next] = start + (long)(next * ticksPerMessage);
                recorder.Sent[next] = Stopwatch.GetTimestamp();
                ValueTask publish = publisher.PublishAsync(topic, LatencyRecorder.IsMarker(next) ? marker : payload, latencyCase.Qos);
                if (publish.IsCompletedSuccessfully)
                {
                    publish.GetAwaiter().GetResult(); // consumed once, so a pooled source goes back to its pool
                }
                else
                {
                    pending.Add(publish.AsTask());
                }
            }

            if (next < recorder.Count)
            {
                Thread.Sleep(1);
            }
        }
    }

    /// <summary>Waits until every message arrived or nothing arrived for <see cref="IdleTimeout"/> (QoS 0 may drop).</summary>
    private static async Task DrainAsync(LatencyRecorder recorder)
    {
        long lastProgress = Stopwatch.GetTimestamp();
        int lastSeen = recorder.Received;
        while (recorder.Received < recorder.Count)
        {
            await Task.Delay(10);
            int now = recorder.Received;
            if (now != lastSeen)
            {
                lastSeen = now;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > IdleTimeout)
            {
                return;
            }
        }
    }

    private static LatencyResult Summarise(string library, LatencyCase latencyCase, LatencyRecorder recorder, int failures)
    {
        var latencies = new List<long>(recorder.Count);
        var fromSchedule = new List<long>(recorder.Count);
        var lags = new long[recorder.Count];
        for (int i = 0; i < recorder.Count; i++)
        {
            lags[i] = recorder.Sent[i] - recorder.Scheduled[i];
            if (recorder.Receipts[i] != 0)
            {
                latencies.Add(recorder.Receipts[i] - recorder.Sent[i]);
                fromSchedule.Add(recorder.Receipts[i] - recorder.Scheduled[i]);
            }
        }

        latencies.Sort();
        fromSchedule.Sort();
        Array.Sort(lags);
        long first = recorder.Sent[0];
        long last = recorder.Sent[^1];
        double sendSeconds = (double)(last - first) / Stopwatch.Frequency;
        double drainMs = recorder.LastReceipt == 0 ? double.NaN : Milliseconds(recorder.LastReceipt - last);
        return new LatencyResult(
            library,
            latencyCase,
            recorder.Count,
            recorder.Received,
            recorder.Resyncs,
            failures,
            sendSeconds > 0 ? (recorder.Count - 1) / sendSeconds : double.NaN,
            Microseconds(Percentile(latencies, 0.50)),
            Microseconds(Percentile(latencies, 0.99)),
            Microseconds(Percentile(latencies, 0.999)),
            Microseconds(latencies.Count == 0 ? 0 : latencies[^1]),
            Microseconds(Percentile(fromSchedule, 0.99)),
            Milliseconds(Percentile(lags, 0.99)),
            Milliseconds(lags[^1]),
            drainMs);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static long Percentile(IReadOnlyList<long> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Microseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    private static double Milliseconds(long ticks) => ticks * 1_000.0 / Stopwatch.Frequency;
}
