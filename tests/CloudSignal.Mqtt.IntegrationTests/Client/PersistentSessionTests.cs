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

    private CloudSignalOptions PersistentOptions(MqttProtocolVersion version) => new()
    {
        ProtocolVersion = version,
        CleanSession = false,
        // 5.0: with the default 0 the session would end with the connection (§3.1.2.11.2).
        SessionExpiryInterval = version == MqttProtocolVersion.V500 ? TimeSpan.FromMinutes(5) : TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReconnectPeriod = TimeSpan.Zero,
        Tls = ClientHarness.TrustFixtureCa(broker),
    };
}
