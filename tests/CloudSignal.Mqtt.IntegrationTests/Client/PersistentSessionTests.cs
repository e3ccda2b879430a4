using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// A persistent session (CleanSession = false, stable ClientId; 5.0 also needs a Session Expiry
/// Interval) keeps its subscription while offline, and mosquitto queues the QoS 1 messages
/// published meanwhile; a new CloudSignalClient with the same ClientId receives them all.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class PersistentSessionTests(MosquittoFixture broker)
{
    private const int OfflineMessages = 5;

    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task PersistentSession_MessagesPublishedWhileOffline_DeliveredOnReconnect(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step * 2);
        string clientId = ClientHarness.ClientId("persist");
        string topic = ClientHarness.Topic("persist");

        await using (CloudSignalClient first = await ClientHarness.ConnectAsync(broker.TcpUrl, PersistentOptions(version), cts.Token, clientId))
        {
            Assert.Equal(MqttQos.AtLeastOnce, (await first.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token)).GrantedQos);
            await first.DisconnectAsync(cts.Token);
        }

        byte[][] payloads = [.. Enumerable.Range(0, OfflineMessages).Select(i => ClientHarness.Payload(10 + i))];
        await using (CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token))
        {
            foreach (byte[] payload in payloads)
            {
                // PUBACK: mosquitto has queued it for the offline session.
                Assert.True((await publisher.PublishAsync(topic, payload, MqttQos.AtLeastOnce, cancellationToken: cts.Token)).IsSuccess);
            }

            await publisher.DisconnectAsync(cts.Token);
        }

        // [MQTT-3.1.2-5] (3.1.1) / 5.0 §3.1.2.4: the resumed session gets the queued QoS 1 messages,
        // in publish order [MQTT-4.6.0-6].
        await using CloudSignalClient second = await ClientHarness.ConnectAsync(broker.TcpUrl, PersistentOptions(version), cts.Token, clientId);
        foreach (byte[] payload in payloads)
        {
            MqttMessage received = await second.ReceiveAsync();
            Assert.Equal(topic, received.Topic);
            Assert.Equal(MqttQos.AtLeastOnce, received.Qos);
            Assert.Equal(payload, received.Payload.ToArray());
        }

        // The subscription itself survived too: a message published now still arrives.
        byte[] live = "live"u8.ToArray();
        await second.PublishAsync(topic, live, MqttQos.AtLeastOnce, cancellationToken: cts.Token);
        Assert.Equal(live, (await second.ReceiveAsync()).Payload.ToArray());

        // End the session on the broker so it does not accumulate across runs.
        await second.DisconnectAsync(cts.Token);
        await using CloudSignalClient cleaner = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token, clientId);
        await cleaner.DisconnectAsync(cts.Token);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task PersistentSession_AutoReconnectAfterSocketLoss_KeepsSubscriptionAndGetsMissedMessages(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step * 2);
        string clientId = ClientHarness.ClientId("persist-auto");
        string topic = ClientHarness.Topic("persist-auto");
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token);

        var offline = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int onlineCount = 0;
        await using var client = new CloudSignalClient(PersistentOptions(version, reconnectPeriod: TimeSpan.FromMilliseconds(500)));
        _ = client.Messages;
        client.SetOfflineCallback(() => offline.TrySetResult());
        client.SetOnlineCallback(() =>
        {
            if (Interlocked.Increment(ref onlineCount) == 2)
            {
                online.TrySetResult();
            }
        });
        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl, ClientId = clientId }, cts.Token);
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);

        await client.AbortConnectionAsync();
        await offline.Task.WaitAsync(cts.Token);
        byte[][] payloads = [.. Enumerable.Range(0, 3).Select(i => ClientHarness.Payload(20 + i))];
        foreach (byte[] payload in payloads)
        {
            // Whether mosquitto has noticed the loss yet or not, the message is the session's: queued,
            // or in flight on the dead socket and resent with DUP after the reconnect [MQTT-4.4.0-1].
            await publisher.PublishAsync(topic, payload, MqttQos.AtLeastOnce, cancellationToken: cts.Token);
        }

        await online.Task.WaitAsync(cts.Token);
        foreach (byte[] payload in payloads)
        {
            Assert.Equal(payload, (await client.ReceiveAsync()).Payload.ToArray());
        }

        // No resubscribe: the resumed session still has the subscription.
        byte[] live = "after"u8.ToArray();
        await publisher.PublishAsync(topic, live, MqttQos.AtLeastOnce, cancellationToken: cts.Token);
        Assert.Equal(live, (await client.ReceiveAsync()).Payload.ToArray());
        await ClientHarness.AssertNoMessageAsync(client.Messages, TimeSpan.FromMilliseconds(200));

        await client.DisconnectAsync(cts.Token);
        await using CloudSignalClient cleaner = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token, clientId);
        await cleaner.DisconnectAsync(cts.Token);
    }

    private CloudSignalOptions PersistentOptions(MqttProtocolVersion version, TimeSpan? reconnectPeriod = null) => new()
    {
        ProtocolVersion = version,
        CleanSession = false,
        // 5.0: with the default 0 the session would end with the connection (§3.1.2.11.2).
        SessionExpiryInterval = version == MqttProtocolVersion.V500 ? TimeSpan.FromMinutes(5) : TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReconnectPeriod = reconnectPeriod ?? TimeSpan.Zero,
        Tls = ClientHarness.TrustFixtureCa(broker),
    };
}
