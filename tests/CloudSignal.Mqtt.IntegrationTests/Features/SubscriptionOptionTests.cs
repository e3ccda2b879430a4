using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static CloudSignal.Mqtt.IntegrationTests.Features.FeatureClients;

namespace CloudSignal.Mqtt.IntegrationTests.Features;

/// <summary>
/// MQTT 5.0 subscription options (5.0 §3.8.3.1) and Subscription Identifiers (§3.8.2.1.2), as
/// mosquitto applies them to what a CloudSignalClient receives. Absence is proven with a marker
/// published after the message in question (see <see cref="FeatureClients"/>).
/// </summary>
[Collection(MosquittoCollection.Name)]
public class SubscriptionOptionTests(MosquittoFixture broker, ITestOutputHelper output)
{
    [Fact] // [MQTT-3.3.4-3] ids of overlapping subscriptions are sent; one copy carries all [MQTT-3.3.4-4], or one copy each [MQTT-3.3.4-5]
    public async Task SubscriptionIdentifiers_TwoOverlappingSubscriptions_MatchingMessageCarriesBoth()
    {
        string root = NewRoot("subscription-ids");
        string marker = root + "/marker";
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await subscriber.SubscribeAsync(root + "/ids/+", new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, SubscriptionIdentifier = 5 }).Bounded();
        await subscriber.SubscribeAsync(root + "/ids/#", new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, SubscriptionIdentifier = 7 }).Bounded();
        await subscriber.SubscribeAsync(marker, MqttQos.AtLeastOnce).Bounded(); // no identifier

        await publisher.PublishAsync(root + "/ids/x", Utf8("both"), MqttQos.AtLeastOnce).Bounded();
        await publisher.PublishAsync(marker, Utf8("end"), MqttQos.AtLeastOnce).Bounded();

        List<MqttMessage> copies = await subscriber.ReadUntilMarkerAsync(marker);
        output.WriteLine($"mosquitto sent {copies.Count} PUBLISH(es): {string.Join(" ", copies.Select(c => $"[{string.Join(",", c.Properties.SubscriptionIdentifiers)}]"))}");
        Assert.NotEmpty(copies);
        Assert.All(copies, c => Assert.Equal(root + "/ids/x", c.Topic));
        Assert.Equal([5, 7], copies.SelectMany(c => c.Properties.SubscriptionIdentifiers).Order());
        if (copies.Count > 1)
        {
            // One PUBLISH per subscription: each carries exactly its own identifier (mosquitto 2.0's way).
            Assert.Equal(2, copies.Count);
            Assert.All(copies, c => Assert.Single(c.Properties.SubscriptionIdentifiers));
        }
    }

    [Fact] // A message matching only a subscription without an identifier carries none (§3.3.2.3.8)
    public async Task SubscriptionIdentifier_OneOfTwoFiltersInOneSubscribe_OnlyThatSubscriptionsMessagesCarryIt()
    {
        string root = NewRoot("subscription-id-scope");
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        // One SUBSCRIBE, one identifier: it applies to every filter in that packet (§3.8.2.1.2).
        await subscriber.SubscribeAsync(
            [(root + "/a", new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, SubscriptionIdentifier = 268_435_455 }),
             (root + "/b", new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, SubscriptionIdentifier = 268_435_455 })]).Bounded();
        await subscriber.SubscribeAsync(root + "/c", MqttQos.AtLeastOnce).Bounded();

        await publisher.PublishAsync(root + "/a", Utf8("a"), MqttQos.AtLeastOnce).Bounded();
        await publisher.PublishAsync(root + "/b", Utf8("b"), MqttQos.AtLeastOnce).Bounded();
        await publisher.PublishAsync(root + "/c", Utf8("c"), MqttQos.AtLeastOnce).Bounded();

        List<MqttMessage> received = await subscriber.ReadAsync(3);
        Assert.Equal(["a", "b", "c"], received.Select(m => m.Text()));
        Assert.Equal([268_435_455], received[0].Properties.SubscriptionIdentifiers); // the largest allowed value, 4-byte VBI
        Assert.Equal([268_435_455], received[1].Properties.SubscriptionIdentifiers);
        Assert.Empty(received[2].Properties.SubscriptionIdentifiers);
    }

    [Fact] // [MQTT-3.8.3-3] No Local: not forwarded to the connection that published it
    public async Task NoLocal_OwnPublishAndAnothersPublish_OnlyAnothersReceived()
    {
        string topic = NewRoot("no-local") + "/t";
        await using CloudSignalClient self = await ConnectAsync(broker, "self");
        await using CloudSignalClient other = await ConnectAsync(broker, "other");
        await self.SubscribeAsync(topic, new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, NoLocal = true }).Bounded();

        // PUBACK first: mosquitto has routed "own" before "from other" is even published.
        await self.PublishAsync(topic, Utf8("own"), MqttQos.AtLeastOnce).Bounded();
        await other.PublishAsync(topic, Utf8("from other"), MqttQos.AtLeastOnce).Bounded();

        Assert.Equal("from other", (await self.NextAsync()).Text());
    }

    [Fact] // Control for the test above: without No Local a client does receive its own publish
    public async Task WithoutNoLocal_OwnPublish_Received()
    {
        string topic = NewRoot("local") + "/t";
        await using CloudSignalClient self = await ConnectAsync(broker, "self");
        await self.SubscribeAsync(topic, new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, NoLocal = false }).Bounded();

        await self.PublishAsync(topic, Utf8("own"), MqttQos.AtLeastOnce).Bounded();

        Assert.Equal("own", (await self.NextAsync()).Text());
    }

    [Fact] // [MQTT-3.3.1-13] Retain As Published keeps RETAIN on live delivery; [MQTT-3.3.1-12] without it RETAIN is 0
    public async Task RetainAsPublished_LiveRetainedPublish_FlagKeptWithRapClearedWithout()
    {
        string topic = NewRoot("retain-as-published") + "/t";
        await using CloudSignalClient withRap = await ConnectAsync(broker, "rap");
        await using CloudSignalClient withoutRap = await ConnectAsync(broker, "norap");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await withRap.SubscribeAsync(topic, new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, RetainAsPublished = true }).Bounded();
        await withoutRap.SubscribeAsync(topic, new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, RetainAsPublished = false }).Bounded();
        try
        {
            await publisher.PublishAsync(topic, Utf8("retained"), MqttQos.AtLeastOnce, retain: true).Bounded();
            await publisher.PublishAsync(topic, Utf8("plain"), MqttQos.AtLeastOnce, retain: false).Bounded();

            List<MqttMessage> rap = await withRap.ReadAsync(2);
            List<MqttMessage> noRap = await withoutRap.ReadAsync(2);
            Assert.Equal([("retained", true), ("plain", false)], rap.Select(m => (m.Text(), m.Retain)));
            Assert.Equal([("retained", false), ("plain", false)], noRap.Select(m => (m.Text(), m.Retain)));

            // A retained message sent because of a subscription has RETAIN 1 whatever the option (§3.3.1.3).
            await using CloudSignalClient late = await ConnectAsync(broker, "late");
            await late.SubscribeAsync(topic, new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, RetainAsPublished = false }).Bounded();
            MqttMessage stored = await late.NextAsync("the retained message");
            Assert.Equal(("retained", true), (stored.Text(), stored.Retain));
        }
        finally
        {
            await publisher.ClearRetainedAsync(topic);
        }
    }

    [Theory] // [MQTT-3.3.1-9] 0: at every subscribe; [MQTT-3.3.1-10] 1: only if the subscription is new; [MQTT-3.3.1-11] 2: never
    [InlineData(MqttRetainHandling.SendAtSubscribe, true, true)]
    [InlineData(MqttRetainHandling.SendAtSubscribeIfNew, true, false)]
    [InlineData(MqttRetainHandling.DoNotSend, false, false)]
    public async Task RetainHandling_SubscribeTwice_RetainedSentAsTheOptionSays(MqttRetainHandling handling, bool onFirst, bool onSecond)
    {
        string topic = NewRoot("retain-handling") + "/t";
        var options = new SubscriptionOptions { Qos = MqttQos.AtLeastOnce, RetainHandling = handling };
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await publisher.PublishAsync(topic, Utf8("kept"), MqttQos.AtLeastOnce, retain: true).Bounded();
        try
        {
            // The marker is a live, non-retained message on the same topic, published after SUBACK:
            // any retained message the subscribe triggered is already queued ahead of it.
            await subscriber.SubscribeAsync(topic, options).Bounded();
            await publisher.PublishAsync(topic, Utf8("marker-1"), MqttQos.AtLeastOnce).Bounded();
            List<MqttMessage> first = await ReadUntilTextAsync(subscriber, "marker-1");

            await subscriber.SubscribeAsync(topic, options).Bounded(); // same filter again: replaces it, not new [MQTT-3.8.4-3]
            await publisher.PublishAsync(topic, Utf8("marker-2"), MqttQos.AtLeastOnce).Bounded();
            List<MqttMessage> second = await ReadUntilTextAsync(subscriber, "marker-2");

            Assert.Equal(onFirst ? [("kept", true)] : [], first.Select(m => (m.Text(), m.Retain)));
            Assert.Equal(onSecond ? [("kept", true)] : [], second.Select(m => (m.Text(), m.Retain)));
        }
        finally
        {
            await publisher.ClearRetainedAsync(topic);
        }
    }

    private static async Task<List<MqttMessage>> ReadUntilTextAsync(CloudSignalClient client, string text)
    {
        var before = new List<MqttMessage>();
        for (MqttMessage m = await client.NextAsync($"'{text}'"); m.Text() != text; m = await client.NextAsync($"'{text}'"))
        {
            before.Add(m);
        }

        return before;
    }
}
