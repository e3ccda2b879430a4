using System.Text;
using CloudSignal.Mqtt.IntegrationTests.Faults;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// The allocation-free <see cref="CloudSignalClient.PublishAsync(MqttTopicName, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>:
/// the same contract as the string overload (results, order, offline queue), with pooled
/// ValueTasks. Mosquitto shows what arrives; the <see cref="ScriptedBroker"/> holds an
/// acknowledgement back (<see cref="FaultScript.Delay"/>) so a publish is reliably still pending
/// when the test cancels its wait or disposes the client.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class ValueTaskPublishTests(MosquittoFixture broker)
{
    /// <summary>How long the scripted broker holds each packet back: the window in which a publish is pending.</summary>
    private static readonly TimeSpan AckDelay = TimeSpan.FromSeconds(2);

    /// <summary>Real-time window in which nothing may arrive or complete.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    public static TheoryData<MqttProtocolVersion, MqttQos> VersionsAndQos => new()
    {
        { MqttProtocolVersion.V311, MqttQos.AtMostOnce },
        { MqttProtocolVersion.V311, MqttQos.AtLeastOnce },
        { MqttProtocolVersion.V311, MqttQos.ExactlyOnce },
        { MqttProtocolVersion.V500, MqttQos.AtMostOnce },
        { MqttProtocolVersion.V500, MqttQos.AtLeastOnce },
        { MqttProtocolVersion.V500, MqttQos.ExactlyOnce },
    };

    // QoS 1 completes on PUBACK, QoS 2 on PUBCOMP (3.1.1 [MQTT-4.3.2-1], [MQTT-4.3.3-1]); same topic and QoS keep their order [MQTT-4.6.0-6].
    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(VersionsAndQos))]
    public async Task WindowsOf100UnawaitedValueTasks_AllSucceed_SubscriberGetsEveryMessageInOrder(MqttProtocolVersion version, MqttQos qos)
    {
        const int Windows = 3;
        const int Window = 100;
        string topic = ClientHarness.Topic("vt-window");
        var name = new MqttTopicName(topic);
        await using CloudSignalClient subscriber = await SubscriberAsync(topic);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), CancellationToken.None);

        var pending = new ValueTask<PublishResult>[Window];
        for (int w = 0; w < Windows; w++)
        {
            for (int i = 0; i < Window; i++)
            {
                pending[i] = publisher.PublishAsync(name, Payload((w * Window) + i), qos);
            }

            // Each awaited exactly once; the pooled sources then serve the next window.
            for (int i = 0; i < Window; i++)
            {
                PublishResult result = await pending[i].AsTask().WaitAsync(ClientHarness.Step);
                Assert.True(result.IsSuccess, $"window {w}, publish {i}: {result.ReasonCode}");
                Assert.Equal(MqttReasonCode.Success, result.ReasonCode);
            }
        }

        for (int i = 0; i < Windows * Window; i++)
        {
            MqttMessage received = await subscriber.ReceiveAsync(what: $"message {i}");
            Assert.Equal(Text(i), Encoding.UTF8.GetString(received.Payload.Span));
            Assert.Equal(topic, received.Topic);
            Assert.Equal(qos, received.Qos);
        }

        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task Retain_SentWithTheFlag_NewSubscriberGetsIt()
    {
        string topic = ClientHarness.Topic("vt-retain");
        var name = new MqttTopicName(topic);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);
        try
        {
            Assert.True((await publisher.PublishAsync(name, Payload(7), MqttQos.AtLeastOnce, retain: true).AsTask().WaitAsync(ClientHarness.Step)).IsSuccess);

            await using CloudSignalClient subscriber = await SubscriberAsync(topic);
            MqttMessage retained = await subscriber.ReceiveAsync(what: "the retained message");
            Assert.True(retained.Retain); // [MQTT-3.3.1-8] (3.1.1)
            Assert.Equal(Text(7), Encoding.UTF8.GetString(retained.Payload.Span));
        }
        finally
        {
            await publisher.PublishAsync(name, ReadOnlyMemory<byte>.Empty, MqttQos.AtLeastOnce, retain: true).AsTask().WaitAsync(ClientHarness.Step);
        }
    }

    [Fact]
    public async Task DefaultTopicName_ArgumentException_BeforeAnythingElse()
    {
        await using var client = new CloudSignalClient(ClientHarness.Options(broker));

        // Even before ConnectAsync, the missing topic is what is reported.
        ArgumentException ex = Assert.Throws<ArgumentException>(() => client.PublishAsync(default(MqttTopicName), Payload(0)));
        Assert.Equal("topic", ex.ParamName);
    }

    [Fact]
    public async Task BeforeConnect_InvalidOperationException_LikeTheStringOverload()
    {
        await using var client = new CloudSignalClient(ClientHarness.Options(broker));

        Assert.Throws<InvalidOperationException>(() => client.PublishAsync(new MqttTopicName("a/b"), Payload(0)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.PublishAsync("a/b", Payload(0)));
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)] // [MQTT-4.6.0-6]
    public async Task WhileReconnecting_QueuedLikeTheStringOverload_SentInOrderOnReconnect()
    {
        string topic = ClientHarness.Topic("vt-offline");
        var name = new MqttTopicName(topic);
        await using CloudSignalClient subscriber = await SubscriberAsync(topic);

        var clock = new ManualClock();
        await using var client = new CloudSignalClient(new CloudSignalOptions
        {
            TimeProvider = clock,
            KeepAlive = TimeSpan.Zero,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectPeriod = TimeSpan.FromSeconds(1),
            ReconnectJitter = 0,
        });
        var events = new ClientEvents(client, clock);
        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl, ClientId = ClientHarness.ClientId("vt-offline") }).WaitAsync(ClientHarness.Step);
        await events.ExpectAsync("online");
        await client.AbortConnectionAsync();
        await events.ExpectAsync("offline", "error MqttConnectionLostException");
        await clock.WaitForTimerDueInAsync(TimeSpan.FromSeconds(1));
        Assert.False(client.IsConnected);

        ValueTask<PublishResult>[] publishes = [.. Enumerable.Range(0, 10).Select(i => client.PublishAsync(name, Payload(i), (MqttQos)(i % 2)))];

        // Queued, not sent, not completed (QoS 0 included: it completes when written).
        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
        Assert.All(publishes, p => Assert.False(p.IsCompleted));

        clock.Advance(TimeSpan.FromSeconds(1));
        await events.ExpectAsync("reconnecting 1 at 1s", "online");
        foreach (ValueTask<PublishResult> p in publishes)
        {
            Assert.True((await p.AsTask().WaitAsync(ClientHarness.Step)).IsSuccess);
        }

        // QoS 0 and QoS 1 are each in publish order (the spec orders per QoS).
        var received = new List<MqttMessage>();
        for (int i = 0; i < publishes.Length; i++)
        {
            received.Add(await subscriber.ReceiveAsync(what: $"message {i}"));
        }

        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
        foreach (MqttQos qos in new[] { MqttQos.AtMostOnce, MqttQos.AtLeastOnce })
        {
            Assert.Equal(
                Enumerable.Range(0, 10).Where(i => (MqttQos)(i % 2) == qos).Select(Text),
                received.Where(m => m.Qos == qos).Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
        }
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task AlreadyCancelledToken_ValueTaskCancelledAtOnce_MessageStillPublished()
    {
        string topic = ClientHarness.Topic("vt-precancelled");
        var name = new MqttTopicName(topic);
        await using CloudSignalClient subscriber = await SubscriberAsync(topic);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        ValueTask<PublishResult> publish = publisher.PublishAsync(name, Payload(0), MqttQos.AtLeastOnce, cancellationToken: cancelled.Token);

        Assert.True(publish.IsCanceled, "an already-cancelled token ends the wait at once");
        OperationCanceledException ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await publish);
        Assert.Equal(cancelled.Token, ex.CancellationToken);

        // The wait was abandoned, not the publish: it arrives, once, and the client carries on.
        Assert.Equal(Text(0), Encoding.UTF8.GetString((await subscriber.ReceiveAsync(what: "the publish whose wait was cancelled")).Payload.Span));
        Assert.True((await publisher.PublishAsync(name, Payload(1), MqttQos.AtLeastOnce).AsTask().WaitAsync(ClientHarness.Step)).IsSuccess);
        Assert.Equal(Text(1), Encoding.UTF8.GetString((await subscriber.ReceiveAsync(what: "the next publish")).Payload.Span));
        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, Quiet);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [InlineData(MqttProtocolVersion.V311, MqttQos.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQos.ExactlyOnce)]
    public async Task CancelledBeforeAck_WaitEndsWithOperationCanceled_MessageStillDelivered(MqttProtocolVersion version, MqttQos qos)
    {
        await using var scripted = new ScriptedBroker();
        await using var subscriber = new CloudSignalClient(FaultHarness.Options(version));
        var messages = subscriber.Messages;
        await subscriber.ConnectAsync(new ConnectParameters { Host = scripted.Url }).WaitAsync(FaultHarness.Step);
        await subscriber.SubscribeAsync("vt/cancel", MqttQos.ExactlyOnce).WaitAsync(FaultHarness.Step);
        await using var publisher = new CloudSignalClient(FaultHarness.Options(version));
        await publisher.ConnectAsync(new ConnectParameters { Host = scripted.Url }).WaitAsync(FaultHarness.Step);
        BrokerConnection toPublisher = scripted.Connection(2);
        var name = new MqttTopicName("vt/cancel");

        // From now on the broker holds every packet back for AckDelay: the acknowledgement included.
        scripted.Script.Delay(AckDelay);
        long sendsBefore = toPublisher.SendCalls;
        using var cancel = new CancellationTokenSource();
        ValueTask<PublishResult> publish = publisher.PublishAsync(name, Payload(0), qos, cancellationToken: cancel.Token);
        Assert.False(publish.IsCompleted);

        await cancel.CancelAsync();
        OperationCanceledException ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publish.AsTask().WaitAsync(FaultHarness.Step));
        Assert.Equal(cancel.Token, ex.CancellationToken);

        // Nothing had been written back to the publisher yet: the wait ended before the acknowledgement.
        Assert.Equal(sendsBefore, toPublisher.SendCalls);

        // The publish itself went on: the broker accepted it once and the subscriber gets it.
        MqttMessage delivered = await messages.ReadAsync().AsTask().WaitAsync(FaultHarness.Step);
        Assert.Equal(Text(0), Encoding.UTF8.GetString(delivered.Payload.Span));
        Assert.Equal(qos, delivered.Qos);
        BrokerMessage accepted = Assert.Single(scripted.Messages);
        Assert.Equal(Text(0), Encoding.UTF8.GetString(accepted.Payload));

        // The flow completes on the wire (PUBACK, or PUBREC/PUBREL/PUBCOMP) and the client carries on.
        await FaultHarness.WaitUntilAsync(
            () => toPublisher.Sent(qos == MqttQos.AtLeastOnce ? PacketType.PubAck : PacketType.PubComp).Count == 1
                && toPublisher.SendCalls >= sendsBefore + (qos == MqttQos.AtLeastOnce ? 1 : 2),
            "the held-back acknowledgement written");
        scripted.Script.Clear();
        Assert.True((await publisher.PublishAsync(name, Payload(1), qos).AsTask().WaitAsync(FaultHarness.Step)).IsSuccess);
        Assert.Equal(Text(1), Encoding.UTF8.GetString((await messages.ReadAsync().AsTask().WaitAsync(FaultHarness.Step)).Payload.Span));
        Assert.Equal(2, scripted.Messages.Count);
        Assert.True(publisher.IsConnected);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DisposeAsync_FailsPendingValueTaskPublish_WithObjectDisposed(bool cancellableToken)
    {
        await using var scripted = new ScriptedBroker();
        var publisher = new CloudSignalClient(FaultHarness.Options(MqttProtocolVersion.V500));
        await publisher.ConnectAsync(new ConnectParameters { Host = scripted.Url }).WaitAsync(FaultHarness.Step);
        BrokerConnection connection = scripted.Connection(1);
        using var notCancelled = new CancellationTokenSource();

        scripted.Script.Delay(AckDelay);
        long sendsBefore = connection.SendCalls;
        ValueTask<PublishResult> publish = publisher.PublishAsync(
            new MqttTopicName("vt/dispose"),
            Payload(0),
            MqttQos.AtLeastOnce,
            cancellationToken: cancellableToken ? notCancelled.Token : default);
        await FaultHarness.WaitUntilAsync(() => connection.Received(PacketType.Publish).Count == 1, "the PUBLISH at the broker");

        await publisher.DisposeAsync().AsTask().WaitAsync(FaultHarness.Step);

        // Disposed before the PUBACK was written: the pending publish fails rather than hanging.
        Assert.Equal(sendsBefore, connection.SendCalls);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => publish.AsTask().WaitAsync(FaultHarness.Step));

        // And a publish after disposal is refused at once.
        Assert.Throws<ObjectDisposedException>(() => publisher.PublishAsync(new MqttTopicName("vt/dispose"), Payload(1), MqttQos.AtLeastOnce));
    }

    private static string Text(int i) => $"message {i}";

    private static byte[] Payload(int i) => Encoding.UTF8.GetBytes(Text(i));

    private async Task<CloudSignalClient> SubscriberAsync(string topic)
    {
        CloudSignalClient subscriber = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);
        Assert.Equal(MqttQos.ExactlyOnce, (await subscriber.SubscribeAsync(topic, MqttQos.ExactlyOnce).WaitAsync(ClientHarness.Step)).GrantedQos);
        return subscriber;
    }
}
