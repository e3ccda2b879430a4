using System.Text;
using System.Text.RegularExpressions;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// PublishAsync while not connected: queued (all QoS levels unless QueueQos0WhileOffline is
/// false), bounded by OfflineQueueCapacity (Fail: MqttQueueFullException and nothing queued;
/// Wait: completes after the reconnect), and sent in publish order once connected again. The
/// client is held "reconnecting" by a <see cref="ManualClock"/>: the socket was dropped and the
/// first back-off delay (1 s) does not pass until the test advances the clock; another client
/// subscribed to the topic sees what goes out, in order.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class OfflineQueueTests(MosquittoFixture broker)
{
    /// <summary>Real-time window in which nothing may arrive or complete.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    public static TheoryData<MqttQos> QosLevels => new() { MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.ExactlyOnce };

    [Theory(Timeout = ClientHarness.TestTimeoutMs)] // [MQTT-4.6.0-6]: the broker keeps a client's order per topic and QoS
    [MemberData(nameof(QosLevels))]
    public async Task PublishWhileReconnecting_SameQos_QueuedThenSubscriberSeesExactPublishOrder(MqttQos qos)
    {
        string topic = ClientHarness.Topic("offline-order");
        await using CloudSignalClient subscriber = await SubscriberAsync(topic);
        await using OfflineClient offline = await OfflineClient.StartAsync(broker);

        Task<PublishResult>[] publishes = [.. Enumerable.Range(0, 10).Select(i => offline.Client.PublishAsync(topic, Payload(i), qos))];

        // Nothing goes out or completes while reconnecting, not even QoS 0 (it completes when written).
        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
        Assert.All(publishes, p => Assert.False(p.IsCompleted));

        await offline.ReconnectAsync();
        Assert.All(await Task.WhenAll(publishes).WaitAsync(ClientHarness.Step), r => Assert.True(r.IsSuccess, r.ReasonCode.ToString()));
        for (int i = 0; i < publishes.Length; i++)
        {
            MqttMessage received = await subscriber.ReceiveAsync(what: $"message {i}");
            Assert.Equal(Text(i), Encoding.UTF8.GetString(received.Payload.Span));
            Assert.Equal(qos, received.Qos);
        }

        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
    }

    /// <remarks>
    /// Across QoS levels the subscriber cannot show the send order: mosquitto forwards an inbound
    /// QoS 2 message only on PUBREL, after the QoS 0/1 messages sent behind it (the spec orders per
    /// QoS only). The broker's log of what it received, in order, is the wire order.
    /// </remarks>
    [Theory(Timeout = ClientHarness.TestTimeoutMs)] // [MQTT-4.6.0-6]
    [MemberData(nameof(Versions))]
    public async Task PublishWhileReconnecting_MixedQos_SentInPublishOrder_EachDeliveredOnce(MqttProtocolVersion version)
    {
        string topic = ClientHarness.Topic("offline-mixed");
        await using CloudSignalClient subscriber = await SubscriberAsync(topic + "/#");
        await using OfflineClient offline = await OfflineClient.StartAsync(broker, version);

        string[] topics = [.. Enumerable.Range(0, 9).Select(i => $"{topic}/{i}")];
        Task<PublishResult>[] publishes = [.. topics.Select((t, i) => offline.Client.PublishAsync(t, Payload(i), QosOf(i)))];
        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
        Assert.All(publishes, p => Assert.False(p.IsCompleted));

        long logOffset = broker.Broker.LogLength;
        await offline.ReconnectAsync();
        Assert.All(await Task.WhenAll(publishes).WaitAsync(ClientHarness.Step), r => Assert.True(r.IsSuccess, r.ReasonCode.ToString()));

        Assert.Equal(topics, await ReceivedTopicsAsync(broker, offline.ClientId, logOffset, topics.Length));
        await AssertDeliveredOncePerQosInOrderAsync(subscriber, topics);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task QueueFull_FailMode_ThrowsQueueFull_MessageNotQueued_OthersStillSent()
    {
        string topic = ClientHarness.Topic("offline-fail");
        await using CloudSignalClient subscriber = await SubscriberAsync(topic);
        await using OfflineClient offline = await OfflineClient.StartAsync(broker, options: o => o with { Capacity = 3, FullMode = OfflineQueueFullMode.Fail });
        CloudSignalClient client = offline.Client;

        Task<PublishResult>[] queued = [.. Enumerable.Range(0, 3).Select(i => client.PublishAsync(topic, Payload(i), QosOf(i)))];

        // The fourth and fifth do not fit, whatever their QoS; the call fails at once.
        await FailsAtOnceAsync<MqttQueueFullException>(() => client.PublishAsync(topic, Payload(3), MqttQos.AtLeastOnce));
        await FailsAtOnceAsync<MqttQueueFullException>(() => client.PublishAsync(topic, Payload(4), MqttQos.AtMostOnce));
        Assert.All(queued, p => Assert.False(p.IsCompleted));

        await offline.ReconnectAsync();
        Assert.All(await Task.WhenAll(queued).WaitAsync(ClientHarness.Step), r => Assert.True(r.IsSuccess));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Text(i), Encoding.UTF8.GetString((await subscriber.ReceiveAsync(what: $"message {i}")).Payload.Span));
        }

        // The refused ones were never queued, so they never arrive.
        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);

        // Connected, the capacity does not apply: more than 3 in flight at once is fine.
        PublishResult[] online = await Task.WhenAll(Enumerable.Range(10, 5).Select(i => client.PublishAsync(topic, Payload(i), MqttQos.AtLeastOnce))).WaitAsync(ClientHarness.Step);
        Assert.Equal(5, online.Count(r => r.IsSuccess));
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task QueueFull_WaitMode_PublishCompletesOnlyAfterReconnect_InOrder()
    {
        string topic = ClientHarness.Topic("offline-wait");
        await using CloudSignalClient subscriber = await SubscriberAsync(topic);
        await using OfflineClient offline = await OfflineClient.StartAsync(broker, options: o => o with { Capacity = 2, FullMode = OfflineQueueFullMode.Wait });
        CloudSignalClient client = offline.Client;

        Task<PublishResult> first = client.PublishAsync(topic, Payload(0), MqttQos.AtLeastOnce);
        Task<PublishResult> second = client.PublishAsync(topic, Payload(1), MqttQos.AtLeastOnce);
        Task<PublishResult> third = client.PublishAsync(topic, Payload(2), MqttQos.AtLeastOnce);

        // The third waits for room: no exception, no completion, for as long as the client is offline.
        await Task.Delay(Quiet);
        Assert.False(third.IsCompleted, $"third publish: {third.Status}");
        Assert.False(first.IsCompleted || second.IsCompleted);

        await offline.ReconnectAsync();
        Assert.True((await third.WaitAsync(ClientHarness.Step)).IsSuccess);
        Assert.True((await first).IsSuccess && (await second).IsSuccess);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Text(i), Encoding.UTF8.GetString((await subscriber.ReceiveAsync(what: $"message {i}")).Payload.Span));
        }

        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task QueueFull_WaitMode_Cancelled_NotQueuedAndNeverSent()
    {
        string topic = ClientHarness.Topic("offline-wait-cancel");
        await using CloudSignalClient subscriber = await SubscriberAsync(topic);
        await using OfflineClient offline = await OfflineClient.StartAsync(broker, options: o => o with { Capacity = 1, FullMode = OfflineQueueFullMode.Wait });
        CloudSignalClient client = offline.Client;

        Task<PublishResult> queued = client.PublishAsync(topic, Payload(0), MqttQos.AtLeastOnce);
        using var cancel = new CancellationTokenSource();
        Task<PublishResult> waiting = client.PublishAsync(topic, Payload(1), MqttQos.AtLeastOnce, cancellationToken: cancel.Token);
        Assert.False(waiting.IsCompleted);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(ClientHarness.Step));

        await offline.ReconnectAsync();
        Assert.True((await queued.WaitAsync(ClientHarness.Step)).IsSuccess);
        Assert.Equal(Text(0), Encoding.UTF8.GetString((await subscriber.ReceiveAsync()).Payload.Span));
        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task QueueFull_WaitMode_DisposeAsync_FailsQueuedAndWaitingPublishesAtOnce()
    {
        string topic = ClientHarness.Topic("offline-wait-dispose");
        OfflineClient offline = await OfflineClient.StartAsync(broker, options: o => o with { Capacity = 1, FullMode = OfflineQueueFullMode.Wait });
        CloudSignalClient client = offline.Client;
        Task<PublishResult> queued = client.PublishAsync(topic, Payload(0), MqttQos.AtLeastOnce);
        Task<PublishResult> waiting = client.PublishAsync(topic, Payload(1), MqttQos.AtLeastOnce);

        await offline.DisposeAsync().AsTask().WaitAsync(ClientHarness.Step);

        // Neither hangs waiting for a connection that will not come.
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued.WaitAsync(ClientHarness.Step));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(ClientHarness.Step));
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task Qos0NotQueuedWhileOffline_Qos0FailsAtOnce_Qos1StillQueued_Qos0FineOnceConnected()
    {
        string topic = ClientHarness.Topic("offline-qos0");
        await using CloudSignalClient subscriber = await SubscriberAsync(topic);
        await using OfflineClient offline = await OfflineClient.StartAsync(broker, options: o => o with { QueueQos0 = false });
        CloudSignalClient client = offline.Client;

        MqttException refused = await FailsAtOnceAsync<MqttException>(() => client.PublishAsync(topic, Payload(0), MqttQos.AtMostOnce));
        Assert.Contains("QueueQos0WhileOffline", refused.Message, StringComparison.Ordinal);
        Task<PublishResult> qos1 = client.PublishAsync(topic, Payload(1), MqttQos.AtLeastOnce);

        await offline.ReconnectAsync();
        Assert.True((await qos1.WaitAsync(ClientHarness.Step)).IsSuccess);
        await client.PublishAsync(topic, Payload(2), MqttQos.AtMostOnce).WaitAsync(ClientHarness.Step);

        // The refused QoS 0 message never arrives; the queued QoS 1 and the connected QoS 0 do, in order.
        Assert.Equal(Text(1), Encoding.UTF8.GetString((await subscriber.ReceiveAsync(what: "queued QoS 1")).Payload.Span));
        Assert.Equal(Text(2), Encoding.UTF8.GetString((await subscriber.ReceiveAsync(what: "connected QoS 0")).Payload.Span));
        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task PublishAfterDisconnectAsync_QueuedUntilNextConnectAsync_ThenSentInOrder(MqttProtocolVersion version)
    {
        string topic = ClientHarness.Topic("offline-disconnected");
        string clientId = ClientHarness.ClientId("offline-disconnected");
        await using CloudSignalClient subscriber = await SubscriberAsync(topic + "/#");
        await using CloudSignalClient client = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), CancellationToken.None, clientId);
        await client.DisconnectAsync().WaitAsync(ClientHarness.Step);

        string[] topics = [.. Enumerable.Range(0, 6).Select(i => $"{topic}/{i}")];
        Task<PublishResult>[] publishes = [.. topics.Select((t, i) => client.PublishAsync(t, Payload(i), QosOf(i)))];
        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
        Assert.All(publishes, p => Assert.False(p.IsCompleted));

        long logOffset = broker.Broker.LogLength;
        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl, ClientId = clientId }).WaitAsync(ClientHarness.Step);
        Assert.All(await Task.WhenAll(publishes).WaitAsync(ClientHarness.Step), r => Assert.True(r.IsSuccess));

        Assert.Equal(topics, await ReceivedTopicsAsync(broker, clientId, logOffset, topics.Length));
        await AssertDeliveredOncePerQosInOrderAsync(subscriber, topics);
    }

    /// <summary>The topics of the first <paramref name="count"/> PUBLISHes mosquitto logs as received from <paramref name="clientId"/>, in log order.</summary>
    private static async Task<string[]> ReceivedTopicsAsync(MosquittoFixture broker, string clientId, long logOffset, int count)
    {
        var line = new Regex($@"Received PUBLISH from {Regex.Escape(clientId)} \(d\d, q\d, r\d, m\d+, '([^']*)'");
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        while (true)
        {
            string[] topics = [.. line.Matches(broker.Broker.ReadLog(logOffset)).Select(m => m.Groups[1].Value)];
            if (topics.Length >= count || cts.IsCancellationRequested)
            {
                return topics;
            }

            await Task.Delay(10, CancellationToken.None);
        }
    }

    /// <summary>Each message (payload i on topic …/i at QoS i mod 3) arrives once, in publish order within its QoS.</summary>
    private static async Task AssertDeliveredOncePerQosInOrderAsync(CloudSignalClient subscriber, string[] topics)
    {
        var received = new List<MqttMessage>();
        for (int i = 0; i < topics.Length; i++)
        {
            received.Add(await subscriber.ReceiveAsync(what: $"{i + 1} of {topics.Length}"));
        }

        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
        foreach (IGrouping<MqttQos, MqttMessage> level in received.GroupBy(m => m.Qos))
        {
            int[] expected = [.. Enumerable.Range(0, topics.Length).Where(i => QosOf(i) == level.Key)];
            Assert.Equal(expected.Select(i => topics[i]), level.Select(m => m.Topic));
            Assert.Equal(expected.Select(Text), level.Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
        }

        Assert.Equal(topics.Length, received.DistinctBy(m => m.Topic).Count());
    }

    /// <summary>
    /// The call fails with exactly <typeparamref name="T"/>, thrown or as an already faulted task;
    /// a publish that was queued instead (a pending task) fails the test at once rather than hanging.
    /// </summary>
    private static async Task<T> FailsAtOnceAsync<T>(Func<Task> call)
        where T : Exception
    {
        Task task;
        try
        {
            task = call();
        }
        catch (Exception e) when (e.GetType() == typeof(T))
        {
            return (T)e;
        }

        Assert.True(task.IsCompleted, $"expected {typeof(T).Name} at once, but the publish was accepted and is pending");
        return await Assert.ThrowsAsync<T>(() => task);
    }

    private static MqttQos QosOf(int i) => (MqttQos)(i % 3);

    private static string Text(int i) => $"message {i}";

    private static byte[] Payload(int i) => Encoding.UTF8.GetBytes(Text(i));

    private async Task<CloudSignalClient> SubscriberAsync(string topic)
    {
        CloudSignalClient subscriber = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);
        Assert.Equal(MqttQos.ExactlyOnce, (await subscriber.SubscribeAsync(topic, MqttQos.ExactlyOnce).WaitAsync(ClientHarness.Step)).GrantedQos);
        return subscriber;
    }

    /// <summary>Queue settings of the client under test.</summary>
    private sealed record QueueSettings(int Capacity = 10_000, OfflineQueueFullMode FullMode = OfflineQueueFullMode.Fail, bool QueueQos0 = true);

    /// <summary>
    /// A client that was connected, lost its socket, and now waits for its first back-off delay
    /// (1 s on a <see cref="ManualClock"/>): offline and reconnecting until <see cref="ReconnectAsync"/>.
    /// </summary>
    private sealed class OfflineClient : IAsyncDisposable
    {
        private readonly ManualClock _clock;
        private readonly ClientEvents _events;

        private OfflineClient(CloudSignalClient client, string clientId, ManualClock clock, ClientEvents events)
        {
            Client = client;
            ClientId = clientId;
            _clock = clock;
            _events = events;
        }

        public CloudSignalClient Client { get; }

        public string ClientId { get; }

        public static async Task<OfflineClient> StartAsync(MosquittoFixture broker, MqttProtocolVersion version = MqttProtocolVersion.V500, Func<QueueSettings, QueueSettings>? options = null)
        {
            QueueSettings queue = options?.Invoke(new QueueSettings()) ?? new QueueSettings();
            var clock = new ManualClock();
            var client = new CloudSignalClient(new CloudSignalOptions
            {
                ProtocolVersion = version,
                TimeProvider = clock,
                KeepAlive = TimeSpan.Zero,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                ReconnectPeriod = TimeSpan.FromSeconds(1),
                ReconnectJitter = 0,
                OfflineQueueCapacity = queue.Capacity,
                OfflineQueueFullMode = queue.FullMode,
                QueueQos0WhileOffline = queue.QueueQos0,
            });
            var events = new ClientEvents(client, clock);
            string clientId = ClientHarness.ClientId("offline");
            var offline = new OfflineClient(client, clientId, clock, events);
            try
            {
                await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl, ClientId = clientId }).WaitAsync(ClientHarness.Step);
                await events.ExpectAsync("online");
                await client.AbortConnectionAsync();
                await events.ExpectAsync("offline", "error MqttConnectionLostException");
                await clock.WaitForTimerDueInAsync(TimeSpan.FromSeconds(1));
                Assert.False(client.IsConnected);
                return offline;
            }
            catch
            {
                await offline.DisposeAsync();
                throw;
            }
        }

        /// <summary>Lets the back-off delay pass; returns once the client is online again.</summary>
        public async Task ReconnectAsync()
        {
            _clock.Advance(TimeSpan.FromSeconds(1));
            await _events.ExpectAsync("reconnecting 1 at 1s", "online");
        }

        public ValueTask DisposeAsync() => Client.DisposeAsync();
    }
}
