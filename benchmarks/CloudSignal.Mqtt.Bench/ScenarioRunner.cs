using System.Diagnostics;

namespace CloudSignal.Mqtt.Bench;

/// <summary>Runs a scenario: fresh publisher and subscriber, a warm-up burst, then the measured run.</summary>
internal sealed class ScenarioRunner(int port, string library, Func<IBenchClient> createClient, TimeSpan scenarioTimeout)
{
    private const int WarmupMessages = 50;

    // QoS 0 may drop: stop waiting once nothing has arrived for this long.
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);

    private static int _topicCounter;

    private int _received;
    private int _target;
    private long _lastReceipt;
    private TaskCompletionSource _allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="scenario">What to run.</param>
    /// <param name="splitPublisher">
    /// Also re-run the publishes with nobody subscribed, to split allocations between publisher and
    /// subscriber (a third of a run's time; once per scenario is enough).
    /// </param>
    public async Task<Measurement> RunAsync(Scenario scenario, bool splitPublisher = true)
    {
        string topic = $"bench/{library}/{Interlocked.Increment(ref _topicCounter)}";
        string suffix = Guid.NewGuid().ToString("N")[..8];
        await using IBenchClient subscriber = createClient();
        await using IBenchClient publisher = createClient();
        await subscriber.ConnectAsync(port, $"sub-{suffix}");
        await publisher.ConnectAsync(port, $"pub-{suffix}");
        await subscriber.SubscribeAsync(topic, scenario.Qos, OnMessage);

        byte[] payload = new byte[scenario.PayloadSize];
        Random.Shared.NextBytes(payload);

        // Warm-up: JIT, pools and socket buffers of this pair reach steady state before measuring.
        await SendAndWaitAsync(publisher, topic, payload, scenario with { Count = WarmupMessages });

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        int received;
        TimeSpan elapsed;
        try
        {
            (received, elapsed) = await SendAndWaitAsync(publisher, topic, payload, scenario).WaitAsync(scenarioTimeout);
        }
        catch (TimeoutException)
        {
            // A stalled run is reported (as timed out, with what arrived) rather than holding up the suite.
            long stalledAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            return new Measurement(library, scenario, Volatile.Read(ref _received), Stopwatch.GetElapsedTime(start),
                stalledAllocated, TimeSpan.Zero, 0) { TimedOut = true };
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        await publisher.DisconnectAsync();
        await subscriber.DisconnectAsync();
        (TimeSpan publishOnlyElapsed, long publishOnlyAllocated) = splitPublisher
            ? await PublishOnlyAsync(scenario, payload)
            : (TimeSpan.Zero, 0);
        return new Measurement(library, scenario, received, elapsed, allocated, publishOnlyElapsed, publishOnlyAllocated);
    }

    /// <summary>
    /// The same publishes with nobody subscribed (the broker still acknowledges QoS 1/2): the
    /// process then allocates for the publisher alone, which attributes the combined figure.
    /// </summary>
    private async Task<(TimeSpan Elapsed, long Allocated)> PublishOnlyAsync(Scenario scenario, byte[] payload)
    {
        string topic = $"bench/{library}/{Interlocked.Increment(ref _topicCounter)}/nobody";
        await using IBenchClient publisher = createClient();
        await publisher.ConnectAsync(port, $"pubonly-{Guid.NewGuid():N}"[..16]);
        await PublishAllAsync(publisher, topic, payload, scenario with { Count = WarmupMessages });

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        await PublishAllAsync(publisher, topic, payload, scenario);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        await publisher.DisconnectAsync();
        return (elapsed, allocated);
    }

    private void OnMessage(int payloadLength)
    {
        Volatile.Write(ref _lastReceipt, Stopwatch.GetTimestamp());
        if (Interlocked.Increment(ref _received) == Volatile.Read(ref _target))
        {
            _allReceived.TrySetResult();
        }
    }

    private async Task<(int Received, TimeSpan Elapsed)> SendAndWaitAsync(
        IBenchClient publisher, string topic, byte[] payload, Scenario scenario)
    {
        _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _received, 0);
        Volatile.Write(ref _target, scenario.Count);

        long start = Stopwatch.GetTimestamp();
        await PublishAllAsync(publisher, topic, payload, scenario);

        int lastSeen = -1;
        while (!_allReceived.Task.IsCompleted)
        {
            int now = Volatile.Read(ref _received);
            if (now == lastSeen)
            {
                break; // no progress for a whole idle period: count what arrived
            }

            lastSeen = now;
            await Task.WhenAny(_allReceived.Task, Task.Delay(IdleTimeout));
        }

        // Ends at the last receipt, so a QoS 0 run with losses does not count the idle wait.
        return (Math.Min(Volatile.Read(ref _received), scenario.Count),
            Stopwatch.GetElapsedTime(start, Volatile.Read(ref _lastReceipt)));
    }

    /// <summary>Publishes N messages, awaiting one by one or with a sliding window.</summary>
    private static async Task PublishAllAsync(IBenchClient publisher, string topic, byte[] payload, Scenario scenario)
    {
        if (scenario.Window == 1)
        {
            for (int i = 0; i < scenario.Count; i++)
            {
                await publisher.PublishAsync(topic, payload, scenario.Qos);
            }
        }
        else
        {
            // Sliding window: slot i % Window is awaited before it is reused, so at most Window are in flight.
            var inFlight = new ValueTask[scenario.Window];
            for (int i = 0; i < scenario.Count; i++)
            {
                int slot = i % scenario.Window;
                if (i >= scenario.Window)
                {
                    await inFlight[slot];
                }

                inFlight[slot] = publisher.PublishAsync(topic, payload, scenario.Qos);
            }

            for (int slot = 0; slot < Math.Min(scenario.Window, scenario.Count); slot++)
            {
                await inFlight[slot];
            }
        }
    }
}
