using System.Buffers.Binary;
using System.Collections.Concurrent;
using CloudSignal.Mqtt.IntegrationTests.Client;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CloudSignal.Mqtt.IntegrationTests.Reliability;

/// <summary>
/// Reliability test 2 of issue 5: the broker dies (kill -9) in the middle of a QoS 1/2 stream and
/// comes back from its persistence directory. Publisher and subscriber hold persistent sessions
/// (CleanSession false, stable ClientId; 5.0 with a Session Expiry Interval), reconnect on their
/// own, and not one QoS 1 or QoS 2 message is lost: the publisher resends what was not
/// acknowledged [MQTT-4.4.0-1], the broker delivers what it had acknowledged or queued.
/// </summary>
/// <remarks>
/// One loss is the broker's, not the client's, and is measured rather than hidden: mosquitto
/// 2.0.11 sends PUBREC before its autosave and forwards a QoS 2 message only at PUBREL, so a
/// kill -9 in between loses a message it had taken ownership of (5.0 §4.3.3: after PUBREC the
/// sender must not send the PUBLISH again [MQTT-4.3.3-5]). The test records, through the session
/// store, which QoS 2 publishes were past PUBREC at the instant of the kill; only those may be
/// missing, every QoS 1 message and every other QoS 2 message must arrive.
/// </remarks>
[Collection(MosquittoCollection.Name)]
public class BrokerKillTests(MosquittoFixture broker, ITestOutputHelper output)
{
    private const int Messages = 1_000;
    private const int Window = 50;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory(Timeout = 90_000)]
    [MemberData(nameof(Versions))]
    public async Task BrokerKilledMidStream_PersistentSessions_NoQos1Or2MessageLost(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(Deadline);
        // Saved after every change, so what the broker acknowledged and could not forward at once
        // is on disk before the kill (mosquitto sends PUBACK before its autosave; an online
        // subscriber has the message by then).
        using MosquittoInstance instance = broker.StartInstance(persistent: true, extraConfig: "autosave_on_changes true\nautosave_interval 1");
        string url = $"mqtt://127.0.0.1:{instance.Port(MosquittoFixture.Tcp)}";
        string topic = ClientHarness.Topic("kill");

        var received = new ConcurrentDictionary<int, int>();
        var subscriberOnline = 0;
        await using CloudSignalClient subscriber = await ConnectAsync(url, version, ClientHarness.ClientId("kill-sub"), cts.Token, () => Interlocked.Increment(ref subscriberOnline));
        Assert.True((await subscriber.SubscribeAsync(topic, MqttQos.ExactlyOnce, cts.Token)).IsSuccess);
        Task collecting = CollectAsync(subscriber, received, cts.Token);

        var publisherOnline = 0;
        var store = new ReleasedTrackingStore();
        await using CloudSignalClient publisher = await ConnectAsync(url, version, ClientHarness.ClientId("kill-pub"), cts.Token, () => Interlocked.Increment(ref publisherOnline), store);
        HashSet<int> ownedByBrokerAtKill = [];

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        using var window = new SemaphoreSlim(Window);
        var publishes = new List<Task<PublishResult>>(Messages);
        for (int i = 0; i < Messages; i++)
        {
            if (i == Messages / 2)
            {
                // Mid-stream: up to Window publishes in flight, more queued behind them.
                instance.Kill();
                ownedByBrokerAtKill = store.ReleasedIndexes();
                Assert.False(instance.IsRunning);
                instance.Start();
            }

            await window.WaitAsync(cts.Token);
            Task<PublishResult> publish = publisher.PublishAsync(topic, Payload(i), i % 2 == 0 ? MqttQos.AtLeastOnce : MqttQos.ExactlyOnce, cancellationToken: cts.Token);
            _ = publish.ContinueWith(_ => window.Release(), TaskScheduler.Default);
            publishes.Add(publish);
        }

        PublishResult[] results = await Task.WhenAll(publishes);
        Assert.Equal(Messages, results.Count(r => r.IsSuccess));

        // Publish order is store order: message i is the i-th publish the store saw (all are QoS 1/2).
        await WaitUntilAsync(() => Enumerable.Range(0, Messages).All(i => received.ContainsKey(i) || ownedByBrokerAtKill.Contains(i)), cts.Token,
            () => $"{received.Count} of {Messages} distinct messages arrived; missing: {string.Join(", ", Missing(received).Take(20))}; past PUBREC at the kill: {string.Join(", ", ownedByBrokerAtKill)}");
        int[] missing = Missing(received);
        output.WriteLine($"{version}: {Messages} messages, broker killed at #{Messages / 2} with {ownedByBrokerAtKill.Count} QoS 2 publishes past PUBREC; lost by the broker: {missing.Length} ({string.Join(", ", missing)}); duplicates received: {received.Values.Sum() - received.Count} (QoS 2: {received.Where(r => r.Key % 2 == 1).Sum(r => r.Value - 1)}); elapsed {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.All(missing, i => Assert.True(i % 2 == 1 && ownedByBrokerAtKill.Contains(i), $"message {i} lost"));
        Assert.True(missing.Length <= Window, $"{missing.Length} lost");

        // Both clients lost the broker and came back on their own: the crash really happened mid-stream.
        Assert.True(Volatile.Read(ref publisherOnline) >= 2, $"publisher online {publisherOnline} times");
        Assert.True(Volatile.Read(ref subscriberOnline) >= 2, $"subscriber online {subscriberOnline} times");
        Assert.Equal(Enumerable.Range(0, Messages).Except(missing), received.Keys.Order());

        await publisher.DisconnectAsync(cts.Token);
        await subscriber.DisconnectAsync(cts.Token);
        await collecting.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static int[] Missing(ConcurrentDictionary<int, int> received) => [.. Enumerable.Range(0, Messages).Where(i => !received.ContainsKey(i))];

    private async Task<CloudSignalClient> ConnectAsync(string url, MqttProtocolVersion version, string clientId, CancellationToken cancellationToken, Action online, IMqttSessionStore? store = null)
    {
        var client = new CloudSignalClient(new CloudSignalOptions
        {
            ProtocolVersion = version,
            CleanSession = false,
            SessionExpiryInterval = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectPeriod = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(400),
            Tls = ClientHarness.TrustFixtureCa(broker),
            SessionStore = store,
        });
        client.SetOnlineCallback(online);
        _ = client.Messages;
        await client.ConnectAsync(new ConnectParameters { Host = url, ClientId = clientId }, cancellationToken);
        return client;
    }

    private static async Task CollectAsync(CloudSignalClient client, ConcurrentDictionary<int, int> received, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (MqttMessage message in client.Messages.ReadAllAsync(cancellationToken))
            {
                received.AddOrUpdate(BinaryPrimitives.ReadInt32BigEndian(message.Payload.Span), 1, (_, n) => n + 1);
            }
        }
        catch (OperationCanceledException)
        {
            // The test is over (or timed out, which the wait reports).
        }
    }

    private static byte[] Payload(int sequence)
    {
        byte[] payload = new byte[32];
        BinaryPrimitives.WriteInt32BigEndian(payload, sequence);
        return payload;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken, Func<string> describe)
    {
        while (!condition())
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Assert.Fail(describe());
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Tracks which publishes (by publish order) are past PUBREC and not yet complete; persists nothing.</summary>
    private sealed class ReleasedTrackingStore : IMqttSessionStore
    {
        private readonly Dictionary<long, int> _index = [];
        private readonly HashSet<int> _released = [];

        public HashSet<int> ReleasedIndexes()
        {
            lock (_released)
            {
                return [.. _released];
            }
        }

        public StoredSession Load() => StoredSession.Empty;

        public void AddPublish(long sequence, ReadOnlySpan<byte> message)
        {
            lock (_released)
            {
                _index[sequence] = _index.Count;
            }
        }

        public void MarkReleased(long sequence)
        {
            lock (_released)
            {
                _released.Add(_index[sequence]);
            }
        }

        public void RemovePublish(long sequence)
        {
            lock (_released)
            {
                _released.Remove(_index[sequence]);
            }
        }

        public void SetPacketIdentifier(long sequence, ushort packetIdentifier)
        {
        }

        public void AddReceived(ushort packetIdentifier)
        {
        }

        public void RemoveReceived(ushort packetIdentifier)
        {
        }

        public void ClearReceived()
        {
        }

        public void Flush()
        {
        }
    }
}
