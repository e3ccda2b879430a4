using System.Text;
using System.Text.RegularExpressions;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// When the broker kept no session for us (CONNACK session present 0: clean session, or a broker
/// restarted without persistence), the client subscribes again to every filter the broker last
/// acknowledged, with its options, and reports online only after the SUBACKs. A non-persistent
/// mosquitto instance is stopped and started under a connected client; the reconnect is released
/// by a <see cref="ManualClock"/> once the broker is back. mosquitto's log shows what it received.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class ResubscribeTests(MosquittoFixture broker)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private const int SubscriptionId = 7;

    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory(Timeout = ClientHarness.TestTimeoutMs)] // 3.1.1 [MQTT-3.1.2-6] / 5.0 [MQTT-3.1.2-4]: clean start, the broker has no subscriptions for us
    [MemberData(nameof(Versions))]
    public async Task BrokerRestartWithoutSession_EverySubscriptionBackWithItsOptions_BeforeOnline_TwiceWithoutDuplicates(MqttProtocolVersion version)
    {
        bool v5 = version == MqttProtocolVersion.V500;
        using MosquittoInstance instance = broker.StartInstance();
        string clientId = ClientHarness.ClientId("resub");
        string a = ClientHarness.Topic("resub-a"), b = ClientHarness.Topic("resub-b"), dropped = ClientHarness.Topic("resub-dropped");
        var clock = new ManualClock();
        await using var client = new CloudSignalClient(ClockOptions(clock, version));
        _ = client.Messages;
        var events = new ClientEvents(client, clock);
        await client.ConnectAsync(new ConnectParameters { Host = Url(instance), ClientId = clientId }).WaitAsync(ClientHarness.Step);
        await events.ExpectAsync("online");

        // A at QoS 1 (5.0: No Local); B at QoS 2 (5.0: Retain As Published, Subscription Identifier 7).
        SubscribeResult subscribed = await client.SubscribeAsync(
        [
            (a, new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, NoLocal = v5 }),
            (b, new SubscriptionOptions { Qos = MqttQos.ExactlyOnce, RetainAsPublished = v5 }),
        ]).WaitAsync(ClientHarness.Step);
        Assert.Equal([MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS2], subscribed.ReasonCodes);
        if (v5)
        {
            // Subscribed again, alone, to carry the identifier: the registry must keep B once, with it.
            await client.SubscribeAsync(b, new SubscriptionOptions { Qos = MqttQos.ExactlyOnce, RetainAsPublished = true, SubscriptionIdentifier = SubscriptionId }).WaitAsync(ClientHarness.Step);
        }

        // Unsubscribed before the loss: not brought back.
        await client.SubscribeAsync(dropped, MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
        await client.UnsubscribeAsync(dropped).WaitAsync(ClientHarness.Step);

        for (int round = 1; round <= 2; round++)
        {
            long logOffset = instance.LogLength;
            string? logAtOnline = null;
            events.BeforeOnline = () => logAtOnline = instance.ReadLog(logOffset);

            instance.Stop();
            await events.ExpectAsync("offline", "error MqttConnectionLostException");
            instance.Start();
            await clock.WaitForTimerDueInAsync(TimeSpan.FromSeconds(1));
            clock.Advance(TimeSpan.FromSeconds(1));
            await events.ExpectAsync($"reconnecting 1 at {round}s", "online");

            // When online was reported, mosquitto had received each filter once, at its QoS, and acknowledged every SUBSCRIBE.
            Assert.NotNull(logAtOnline);
            Assert.Contains($"Sending CONNACK to {clientId} (0, 0)", logAtOnline, StringComparison.Ordinal);
            Assert.Equal(1, Count(logAtOnline, $"\t{a} (QoS 1)"));
            Assert.Equal(1, Count(logAtOnline, $"\t{b} (QoS 2)"));
            Assert.DoesNotContain(dropped, logAtOnline, StringComparison.Ordinal);
            int subscribes = Count(logAtOnline, $"Received SUBSCRIBE from {clientId}");
            Assert.InRange(subscribes, 1, 2);
            Assert.Equal(subscribes, Count(logAtOnline, $"Sending SUBACK to {clientId}"));

            await AssertDeliveriesAsync(client, instance, version, a, b, dropped, round);
        }
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task SubscribeWhileReconnecting_QueuedAfterTheResubscribe_LastOptionsWin(MqttProtocolVersion version)
    {
        using MosquittoInstance instance = broker.StartInstance();
        string clientId = ClientHarness.ClientId("resub-offline");
        string a = ClientHarness.Topic("resub-a"), c = ClientHarness.Topic("resub-c");
        var clock = new ManualClock();
        await using var client = new CloudSignalClient(ClockOptions(clock, version));
        _ = client.Messages;
        var events = new ClientEvents(client, clock);
        await client.ConnectAsync(new ConnectParameters { Host = Url(instance), ClientId = clientId }).WaitAsync(ClientHarness.Step);
        await events.ExpectAsync("online");
        await client.SubscribeAsync(a, MqttQos.AtMostOnce).WaitAsync(ClientHarness.Step);

        long logOffset = instance.LogLength;
        instance.Stop();
        await events.ExpectAsync("offline", "error MqttConnectionLostException");

        // While reconnecting the application raises A to QoS 2 and adds C: queued until connected.
        Task<SubscribeResult> raise = client.SubscribeAsync(a, MqttQos.ExactlyOnce);
        Task<SubscribeResult> add = client.SubscribeAsync(c, MqttQos.AtLeastOnce);
        instance.Start();
        await clock.WaitForTimerDueInAsync(TimeSpan.FromSeconds(1));
        Assert.False(raise.IsCompleted || add.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        await events.ExpectAsync("reconnecting 1 at 1s", "online");
        Assert.Equal(MqttQos.ExactlyOnce, (await raise.WaitAsync(ClientHarness.Step)).GrantedQos);
        Assert.Equal(MqttQos.AtLeastOnce, (await add.WaitAsync(ClientHarness.Step)).GrantedQos);

        // The re-SUBSCRIBE of A (old QoS 0) went first, the application's QoS 2 after it, so QoS 2 stands.
        string log = instance.ReadLog(logOffset);
        int old = log.IndexOf($"\t{a} (QoS 0)", StringComparison.Ordinal);
        int raised = log.IndexOf($"\t{a} (QoS 2)", StringComparison.Ordinal);
        Assert.True(old >= 0 && raised > old, $"expected A at QoS 0 then at QoS 2 in:\n{log}");

        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(Url(instance), ClientHarness.Options(broker), CancellationToken.None);
        await publisher.PublishAsync(a, "a"u8.ToArray(), MqttQos.ExactlyOnce).WaitAsync(ClientHarness.Step);
        await publisher.PublishAsync(c, "c"u8.ToArray(), MqttQos.ExactlyOnce).WaitAsync(ClientHarness.Step);
        MqttMessage[] received = [.. (await ReceiveAsync(client, 2)).OrderBy(m => m.Topic == c)];
        Assert.Equal((a, MqttQos.ExactlyOnce), (received[0].Topic, received[0].Qos));
        Assert.Equal((c, MqttQos.AtLeastOnce), (received[1].Topic, received[1].Qos));
        await ClientHarness.AssertNoMessageAsync(client.Messages, Quiet);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)] // 3.1.1 [MQTT-3.2.2-2] / 5.0 [MQTT-3.2.2-2]: session present 1, the subscriptions are still there
    [MemberData(nameof(Versions))]
    public async Task SessionPresent_NoResubscribe_SubscriptionStillWorks(MqttProtocolVersion version)
    {
        string clientId = ClientHarness.ClientId("resub-present");
        string topic = ClientHarness.Topic("resub-present");
        var clock = new ManualClock();
        var client = new CloudSignalClient(ClockOptions(clock, version, cleanSession: false));
        try
        {
            _ = client.Messages;
            var events = new ClientEvents(client, clock);
            await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl, ClientId = clientId }).WaitAsync(ClientHarness.Step);
            await events.ExpectAsync("online");
            await client.SubscribeAsync(topic, MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);

            long logOffset = broker.Broker.LogLength;
            await client.AbortConnectionAsync();
            await events.ExpectAsync("offline", "error MqttConnectionLostException");
            await clock.WaitForTimerDueInAsync(TimeSpan.FromSeconds(1));
            clock.Advance(TimeSpan.FromSeconds(1));
            await events.ExpectAsync("reconnecting 1 at 1s", "online");

            string log = broker.Broker.ReadLog(logOffset);
            Assert.Contains($"Sending CONNACK to {clientId} (1, 0)", log, StringComparison.Ordinal);
            Assert.DoesNotContain($"Received SUBSCRIBE from {clientId}", log, StringComparison.Ordinal);

            await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);
            await publisher.PublishAsync(topic, "still"u8.ToArray(), MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
            Assert.Equal("still", Encoding.UTF8.GetString((await client.ReceiveAsync()).Payload.Span));
            await client.DisconnectAsync().WaitAsync(ClientHarness.Step);
        }
        finally
        {
            await client.DisposeAsync();

            // End the session on the broker so it does not accumulate across runs.
            await using CloudSignalClient cleaner = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), CancellationToken.None, clientId);
            await cleaner.DisconnectAsync().WaitAsync(ClientHarness.Step);
        }
    }

    /// <summary>
    /// After a reconnect: messages from another client on A and B arrive once each, at the granted
    /// QoS, with B's 5.0 options (Retain As Published, identifier) and A's No Local in force; the
    /// unsubscribed filter stays silent.
    /// </summary>
    private async Task AssertDeliveriesAsync(CloudSignalClient client, MosquittoInstance instance, MqttProtocolVersion version, string a, string b, string dropped, int round)
    {
        bool v5 = version == MqttProtocolVersion.V500;
        if (v5)
        {
            // No Local: our own message on A is not sent back to us.
            Assert.True((await client.PublishAsync(a, "self"u8.ToArray(), MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step)).IsSuccess);
        }

        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(Url(instance), ClientHarness.Options(broker), CancellationToken.None);
        foreach (string topic in new[] { a, b, dropped })
        {
            Assert.True((await publisher.PublishAsync(topic, Encoding.UTF8.GetBytes($"{topic} {round}"), MqttQos.ExactlyOnce, retain: true).WaitAsync(ClientHarness.Step)).IsSuccess);
        }

        MqttMessage[] received = [.. (await ReceiveAsync(client, 2)).OrderBy(m => m.Topic == b)];
        await ClientHarness.AssertNoMessageAsync(client.Messages, Quiet);

        Assert.Equal(a, received[0].Topic);
        Assert.Equal($"{a} {round}", Encoding.UTF8.GetString(received[0].Payload.Span));
        Assert.Equal(MqttQos.AtLeastOnce, received[0].Qos); // min(published 2, granted 1)
        Assert.False(received[0].Retain);                  // a live message: retain cleared without Retain As Published

        Assert.Equal(b, received[1].Topic);
        Assert.Equal($"{b} {round}", Encoding.UTF8.GetString(received[1].Payload.Span));
        Assert.Equal(MqttQos.ExactlyOnce, received[1].Qos);
        Assert.Equal(v5, received[1].Retain);
        Assert.Equal(v5 ? [SubscriptionId] : [], received[1].Properties.SubscriptionIdentifiers);
    }

    private static async Task<List<MqttMessage>> ReceiveAsync(CloudSignalClient client, int count)
    {
        var messages = new List<MqttMessage>();
        for (int i = 0; i < count; i++)
        {
            messages.Add(await client.ReceiveAsync(what: $"{i + 1} of {count}"));
        }

        return messages;
    }

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    private static string Url(MosquittoInstance instance) => $"mqtt://127.0.0.1:{instance.Port(MosquittoFixture.Tcp)}";

    private static CloudSignalOptions ClockOptions(ManualClock clock, MqttProtocolVersion version, bool cleanSession = true) => new()
    {
        ProtocolVersion = version,
        CleanSession = cleanSession,
        // 5.0: without an expiry the session would end with the connection (§3.1.2.11.2).
        SessionExpiryInterval = cleanSession || version == MqttProtocolVersion.V311 ? TimeSpan.Zero : TimeSpan.FromMinutes(5),
        TimeProvider = clock,
        KeepAlive = TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReconnectPeriod = TimeSpan.FromSeconds(1),
        ReconnectJitter = 0,
    };
}
