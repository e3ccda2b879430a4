using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CloudSignal.Mqtt.Bench.Reporting;
using CloudSignal.Mqtt.Demo;

namespace CloudSignal.Mqtt.Bench;

/// <summary>
/// Many connections (issue 7): N concurrent clients from this one process to a private mosquitto —
/// connect rate with a bounded number of connects in flight, memory per connection, and how long
/// disconnecting them all takes. Raises RLIMIT_NOFILE first, then starts its own broker so the
/// broker inherits the raised limit (the throughput suite's broker was started before).
/// </summary>
internal static class ConnectionsSuite
{
    // 10,000 in both modes: about 10-15 s per library on 2 cores (the short-mode budget allows it).
    private const int Target = 10_000;

    // mosquitto listens with a backlog of 100: more connects in flight overflow its accept queue, the
    // kernel drops SYNs and the client retransmits after 1 s (seen at 200: p99 connect ~1 s, ListenOverflows).
    private const int InFlight = 100;

    public static async Task<IReadOnlyList<ConnectionsResult>> RunAsync(bool full, string outDirectory, bool includeMqttNet = true)
    {
        (ulong Soft, ulong Hard)? limit = FileLimit.RaiseToHard(out ulong softBefore, out string? limitError);

        // A machine whose hard limit is below 10,000 descriptors gets fewer clients (said in the
        // output and the goal row) rather than a run that fails on EMFILE.
        int target = limit is { } raised && raised.Soft < Target + 512 ? (int)Math.Max(100, (long)raised.Soft - 512) : Target;
        string limitText = limit is { } l ? $"{l.Soft}/{l.Hard} (soft was {softBefore})" : "unknown";
        Console.Error.WriteLine($"# many connections: {target:N0} clients, {InFlight} connects in flight; open files (soft/hard) {limitText}"
            + (limitError is null ? string.Empty : $" — {limitError}"));

        using LocalMosquitto broker = await LocalMosquitto.StartAsync();
        int? brokerPid = ProcessProbe.FindChild("mosquitto");
        string brokerLimit = brokerPid is int pid ? FileLimit.OfProcess(pid) : "unknown";
        string portRange = File.Exists("/proc/sys/net/ipv4/ip_local_port_range")
            ? File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Trim().Replace('\t', '-')
            : "unknown";
        Console.Error.WriteLine($"  broker pid {brokerPid?.ToString() ?? "?"} open files {brokerLimit}; ephemeral ports {portRange}");

        var libraries = new List<(string Name, Func<IBenchClient> Create)> { ("CloudSignal", () => new CloudSignalBenchClient()) };
        if (includeMqttNet)
        {
            libraries.Add(("MQTTnet", () => new MqttNetBenchClient()));
        }

        var results = new List<ConnectionsResult>();
        string loadBefore = ProcessProbe.LoadAverage();
        foreach ((string name, Func<IBenchClient> create) in libraries)
        {
            ConnectionsResult result = await RunLibraryAsync(broker.Port, brokerPid, name, create, target);
            results.Add(result);
            Console.Error.WriteLine($"  {name,-11} {result.Connected}/{target} in {result.ConnectElapsed.TotalSeconds:F1} s "
                + $"({result.ConnectsPerSecond:F0}/s); {result.WorkingSetPerConnection / 1024:F1} KiB WS/conn, "
                + $"{result.GcHeapPerConnection / 1024:F1} KiB GC heap/conn; disconnect {result.DisconnectElapsed.TotalSeconds:F1} s"
                + (result.FirstError is null ? string.Empty : $"; first error: {result.FirstError}"));
        }

        ConnectionsReport.Write(results, new ConnectionsEnvironment(limitText, limitError, brokerLimit, portRange)
        {
            LoadAverage = $"{loadBefore} → {ProcessProbe.LoadAverage()}",
        }, full, outDirectory);
        return results;
    }

    /// <summary>Goal rows for the shared report: ours connects all N, within 1 GiB for 10,000.</summary>
    public static IEnumerable<GoalRow> Goals(IReadOnlyList<ConnectionsResult> results) =>
        results.Where(r => r.Library == "CloudSignal").SelectMany(r => new[]
        {
            new GoalRow("connections", $"{r.Target:N0} concurrent connections", "all connect",
                string.Create(CultureInfo.InvariantCulture, $"{r.Connected:N0} in {r.ConnectElapsed.TotalSeconds:F1} s ({r.ConnectsPerSecond:F0}/s), disconnect {r.DisconnectElapsed.TotalSeconds:F1} s"),
                r.Connected == r.Target),
            new GoalRow("connections", "memory for 10,000 connections", "< 1 GiB",
                string.Create(CultureInfo.InvariantCulture, $"{r.WorkingSetPerConnection * 10_000 / (1 << 20):F0} MiB working set ({r.WorkingSetPerConnection / 1024:F1} KiB/conn, GC heap {r.GcHeapPerConnection / 1024:F1} KiB/conn)"),
                r.UnderOneGiBFor10k),
        });

    /// <summary>True when one of our connects failed.</summary>
    public static bool OursFailed(IReadOnlyList<ConnectionsResult> results) =>
        results.Any(r => r.Library == "CloudSignal" && r.Failed > 0);

    private static async Task<ConnectionsResult> RunLibraryAsync(int port, int? brokerPid, string library, Func<IBenchClient> create, int target)
    {
        // Warm-up: JIT the connect/disconnect paths and grow the thread pool to what 200 connects in
        // flight need, so whichever library runs first does not pay the pool's thread injection.
        var warmErrors = new ConcurrentQueue<string>();
        (IBenchClient?[] warm, _, _) = await ConnectAllAsync(port, create, 2 * InFlight, "warm", warmErrors);
        await DisconnectAllAsync(warm, warmErrors);

        (long workingSetBefore, long heapBefore, long committedBefore, int threadsBefore) = Snapshot();
        long brokerBefore = brokerPid is int p ? ProcessProbe.ResidentBytes(p) : 0;

        var errors = new ConcurrentQueue<string>();
        long start = Stopwatch.GetTimestamp();
        (IBenchClient?[] clients, long[] connectTicks, int failed) = await ConnectAllAsync(port, create, target, "c", errors);
        TimeSpan connectElapsed = Stopwatch.GetElapsedTime(start);

        (long workingSetAfter, long heapAfter, long committedAfter, int threadsAfter) = Snapshot();
        long brokerAfter = brokerPid is int q ? ProcessProbe.ResidentBytes(q) : 0;

        start = Stopwatch.GetTimestamp();
        await DisconnectAllAsync(clients, errors);
        TimeSpan disconnectElapsed = Stopwatch.GetElapsedTime(start);
        Array.Clear(clients);
        (long workingSetEnd, _, _, _) = Snapshot();

        long[] sorted = connectTicks.Where(t => t > 0).Order().ToArray();
        return new ConnectionsResult(
            library,
            target,
            InFlight,
            sorted.Length,
            failed,
            errors.TryPeek(out string? first) ? first : null,
            connectElapsed,
            Milliseconds(Percentile(sorted, 0.50)),
            Milliseconds(Percentile(sorted, 0.99)),
            Milliseconds(sorted.Length == 0 ? 0 : sorted[^1]),
            workingSetAfter - workingSetBefore,
            heapAfter - heapBefore,
            committedAfter - committedBefore,
            threadsBefore,
            threadsAfter,
            brokerAfter - brokerBefore,
            disconnectElapsed,
            workingSetEnd - workingSetBefore);
    }

    /// <summary>Connects <paramref name="count"/> clients, at most <see cref="InFlight"/> at a time; failed slots stay null.</summary>
    private static async Task<(IBenchClient?[] Clients, long[] ConnectTicks, int Failed)> ConnectAllAsync(
        int port, Func<IBenchClient> create, int count, string prefix, ConcurrentQueue<string> errors)
    {
        string run = $"{prefix}-{Guid.NewGuid():N}"[..12];
        var clients = new IBenchClient?[count];
        var connectTicks = new long[count];
        int failed = 0;
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = InFlight },
            async (i, _) =>
            {
                IBenchClient client = create();
                long began = Stopwatch.GetTimestamp();
                try
                {
                    await client.ConnectAsync(port, $"{run}-{i}");
                    connectTicks[i] = Stopwatch.GetTimestamp() - began;
                    clients[i] = client;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref failed);
                    errors.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                    await client.DisposeAsync();
                }
            });
        return (clients, connectTicks, failed);
    }

    /// <summary>Disconnects and disposes every connected client, at most <see cref="InFlight"/> at a time.</summary>
    private static Task DisconnectAllAsync(IBenchClient?[] clients, ConcurrentQueue<string> errors) =>
        Parallel.ForEachAsync(
            clients.OfType<IBenchClient>(),
            new ParallelOptions { MaxDegreeOfParallelism = InFlight },
            async (client, _) =>
            {
                try
                {
                    await client.DisconnectAsync();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    errors.Enqueue($"disconnect {ex.GetType().Name}: {ex.Message}");
                }

                await client.DisposeAsync();
            });

    /// <summary>Working set, live GC heap, GC committed bytes and thread count, after a full blocking GC.</summary>
    private static (long WorkingSet, long Heap, long Committed, int Threads) Snapshot()
    {
        // Aggressive: compacts and returns free memory to the OS, so the working set before the second
        // library does not already hold pages the first one freed (which would hide the second's growth).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        long heap = GC.GetTotalMemory(forceFullCollection: false);
        long committed = GC.GetGCMemoryInfo().TotalCommittedBytes;
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, heap, committed, process.Threads.Count);
    }

    private static long Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Milliseconds(long ticks) => ticks * 1_000.0 / Stopwatch.Frequency;
}
