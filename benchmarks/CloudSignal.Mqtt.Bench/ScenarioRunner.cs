using System.Diagnostics;

namespace CloudSignal.Mqtt.Bench;

/// <summary>Runs a scenario: fresh publisher and subscriber, a warm-up burst, then the measured run.</summary>
internal sealed class ScenarioRunner(int port, string library, Func<IBenchClient> createClient)
{
    private const int WarmupMessages = 50;

    // QoS 0 may drop: stop waiting once nothing has arrived for this long.
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);

    private static int _topicCounter;

    private int _received;
    private int _target;
    private long _lastReceipt;
    private TaskCompletionSource _allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<Measurement> RunAsync(Scenario scenario)
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
        (int received, TimeSpan elapsed) = await SendAndWaitAsync(publisher, topic, payload, scenario);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        await publisher.DisconnectAsync();
        await subscriber.DisconnectAsync();
        return new Measurement(library, scenario, received, elapsed, allocated);
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
            var inFlight = new Task[scenario.Window];
            for (int i = 0; i < scenario.Count; i++)
            {
                int slot = i % scenario.Window;
                if (inFlight[slot] is { } previous)
                {
                    await previous;
                }

                inFlight[slot] = publisher.PublishAsync(topic, payload, scenario.Qos);
            }

            foreach (Task task in inFlight)
            {
                if (task is not null)
                {
                    await task;
                }
            }
        }

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
}
