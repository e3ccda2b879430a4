using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>Retained messages and the Will Message, through mosquitto, under both protocol versions.</summary>
[Collection(MosquittoCollection.Name)]
public class RetainAndWillTests(MosquittoFixture broker)
{
    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    /// <summary>The will depends on how the connection ends, so each transport's close path is checked.</summary>
    public static TheoryData<string, MqttProtocolVersion> WillCases => new()
    {
        { MosquittoFixture.Tcp, MqttProtocolVersion.V311 },
        { MosquittoFixture.Tcp, MqttProtocolVersion.V500 },
        { MosquittoFixture.Tls, MqttProtocolVersion.V500 },
        { MosquittoFixture.Ws, MqttProtocolVersion.V311 },
        { MosquittoFixture.Wss, MqttProtocolVersion.V500 },
    };

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task RetainedMessage_LateSubscriber_ReceivesItWithRetainFlag(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        string topic = ClientHarness.Topic("retain");
        byte[] payload = ClientHarness.Payload(300);
        await using (CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token))
        {
            // QoS 1: PUBACK means the broker has stored it as the topic's retained message.
            Assert.True((await publisher.PublishAsync(topic, payload, MqttQos.AtLeastOnce, retain: true, cancellationToken: cts.Token)).IsSuccess);
            await publisher.DisconnectAsync(cts.Token);
        }

        await using CloudSignalClient subscriber = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token);
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);
        MqttMessage received = await subscriber.ReceiveAsync();

        // [MQTT-3.3.1-8]: a retained message sent because of a new subscription has RETAIN set.
        Assert.True(received.Retain);
        Assert.Equal(topic, received.Topic);
        Assert.Equal(payload, received.Payload.ToArray());

        // A zero-byte retained message clears it [MQTT-3.3.1-10], so no later run sees it.
        await subscriber.PublishAsync(topic, ReadOnlyMemory<byte>.Empty, MqttQos.AtLeastOnce, retain: true, cancellationToken: cts.Token);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(WillCases))]
    public async Task Will_SocketDroppedWithoutDisconnect_BrokerPublishesWill(string transport, MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        string willTopic = ClientHarness.Topic("will");
        byte[] willPayload = ClientHarness.Payload(100);
        await using CloudSignalClient observer = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token);
        await observer.SubscribeAsync(willTopic, MqttQos.AtLeastOnce, cts.Token);

        await using CloudSignalClient dying = await ClientHarness.ConnectAsync(ClientHarness.Url(broker, transport), WillOptions(version, willTopic, willPayload), cts.Token);
        await dying.AbortConnectionAsync();

        // [MQTT-3.1.2-8]: the connection closed without DISCONNECT, so the will is published.
        MqttMessage will = await observer.ReceiveAsync();
        Assert.Equal(willTopic, will.Topic);
        Assert.Equal(willPayload, will.Payload.ToArray());
        Assert.Equal(MqttQos.AtLeastOnce, will.Qos);
        Assert.False(dying.IsConnected);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(WillCases))]
    public async Task Will_DisconnectAsync_WillNotPublished(string transport, MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        string willTopic = ClientHarness.Topic("will");
        await using CloudSignalClient observer = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token);
        await observer.SubscribeAsync(willTopic, MqttQos.AtLeastOnce, cts.Token);

        string clientId = ClientHarness.ClientId("will");
        long logOffset = broker.Broker.LogLength;
        CloudSignalClient leaving = await ClientHarness.ConnectAsync(ClientHarness.Url(broker, transport), WillOptions(version, willTopic, [1, 2, 3]), cts.Token, clientId);
        await leaving.DisconnectAsync(cts.Token);
        await leaving.DisposeAsync();

        // [MQTT-3.1.2-10] / [MQTT-3.14.4-3]: DISCONNECT deletes the will. mosquitto handles the
        // DISCONNECT and any will in one step of its single-threaded loop; once it has logged the
        // disconnect, a will would already be queued to the observer ahead of a later marker.
        await broker.Broker.WaitForLogAsync(logOffset, ClientHarness.Step, $"Client {clientId} disconnected");
        byte[] marker = "marker"u8.ToArray();
        await observer.PublishAsync(willTopic, marker, MqttQos.AtLeastOnce, cancellationToken: cts.Token);
        MqttMessage first = await observer.ReceiveAsync();
        Assert.Equal(marker, first.Payload.ToArray());
        // And nothing after it either, for a short bounded window.
        await ClientHarness.AssertNoMessageAsync(observer.Messages, TimeSpan.FromMilliseconds(300));
    }

    private CloudSignalOptions WillOptions(MqttProtocolVersion version, string topic, byte[] payload) => new()
    {
        ProtocolVersion = version,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReconnectPeriod = TimeSpan.Zero,
        Tls = ClientHarness.TrustFixtureCa(broker),
        Will = new WillMessage { Topic = topic, Payload = payload, Qos = MqttQos.AtLeastOnce },
    };
}
