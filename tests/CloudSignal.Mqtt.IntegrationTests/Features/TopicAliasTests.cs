using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static CloudSignal.Mqtt.IntegrationTests.Features.FeatureClients;

namespace CloudSignal.Mqtt.IntegrationTests.Features;

/// <summary>
/// Topic aliases (5.0 §3.3.2.3.4) through mosquitto. The alias-using side connects through a
/// <see cref="TcpTap"/> so the test sees the real PUBLISH packets, read by the tests' own parser
/// (<see cref="WireFrames"/>), not by the client under test.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class TopicAliasTests(MosquittoFixture broker, ITestOutputHelper output)
{
    /// <summary>mosquitto.conf(5): <c>max_topic_alias</c> defaults to 10; the fixture does not set it.</summary>
    private const ushort MosquittoTopicAliasMaximum = 10;

    [Fact] // §3.2.2.3.8: the server's Topic Alias Maximum is what the client may use
    public async Task ConnAck_Mosquitto_AdvertisesTopicAliasMaximum10()
    {
        await using var tap = new TcpTap(broker.Broker.Port(MosquittoFixture.Tcp));
        await using CloudSignalClient client = await ConnectAsync(broker, "connack", url: tap.Url);

        ushort maximum = WireFrames.ConnAckTopicAliasMaximum(tap.BrokerToClient);
        output.WriteLine($"mosquitto CONNACK Topic Alias Maximum: {maximum}");
        Assert.Equal(MosquittoTopicAliasMaximum, maximum);
    }

    [Fact] // [MQTT-3.3.2-9] aliases ≤ the server's maximum; a known alias lets the topic be empty (§3.3.2.3.4)
    public async Task AutomaticTopicAliases_SameTopicManyTimes_AllDeliveredWithTheTopic()
    {
        const int Count = 60;
        string topic = NewRoot("alias-same") + "/sensor/temperature";
        await using var tap = new TcpTap(broker.Broker.Port(MosquittoFixture.Tcp));
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub", Options(automaticTopicAliases: true), tap.Url);
        await subscriber.SubscribeAsync(topic, MqttQos.ExactlyOnce).Bounded();

        // Pipelined, every QoS: the alias must hold across QoS 0 writes and QoS 1/2 flows alike.
        await Task.WhenAll(Enumerable.Range(0, Count).Select(i =>
            publisher.PublishAsync(topic, Utf8($"{i}"), (MqttQos)(i % 3)))).Bounded();

        List<MqttMessage> received = await subscriber.ReadAsync(Count);
        Assert.All(received, m => Assert.Equal(topic, m.Topic));
        Assert.Equal(Enumerable.Range(0, Count), received.Select(m => int.Parse(m.Text(), System.Globalization.CultureInfo.InvariantCulture)).Order());

        List<WirePublish> wire = WireFrames.Publishes(tap.ClientToBroker);
        Assert.Equal(Count, wire.Count);
        Assert.Equal((topic, (ushort?)1), (wire[0].TopicName, wire[0].TopicAlias));                   // first use: topic and the alias it names
        Assert.All(wire.Skip(1), p => Assert.Equal(("", (ushort?)1), (p.TopicName, p.TopicAlias))); // then the alias alone
    }

    [Fact] // More topics than aliases: aliases are reused for new topics, and every message still carries its own topic
    public async Task AutomaticTopicAliases_MoreTopicsThanAliases_EveryMessageArrivesWithItsTopic()
    {
        string root = NewRoot("alias-many");
        // A hot topic every other message (stays aliased) between 25 cold ones (evict each other).
        string[] topics = [.. Enumerable.Range(0, 75).Select(i => i % 2 == 0 ? $"{root}/hot" : $"{root}/cold/{i / 2 % 25}")];
        await using var tap = new TcpTap(broker.Broker.Port(MosquittoFixture.Tcp));
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub", Options(automaticTopicAliases: true), tap.Url);
        await subscriber.SubscribeAsync(root + "/#", MqttQos.AtLeastOnce).Bounded();

        await Task.WhenAll(topics.Select((t, i) => publisher.PublishAsync(t, Utf8($"{i}|{t}"), MqttQos.AtLeastOnce))).Bounded();

        List<MqttMessage> received = await subscriber.ReadAsync(topics.Length);
        Assert.All(received, m => Assert.Equal(m.Text().Split('|')[1], m.Topic));
        Assert.Equal(topics.Length, received.Select(m => m.Text()).Distinct().Count());

        List<WirePublish> wire = WireFrames.Publishes(tap.ClientToBroker);
        Assert.All(wire, p => Assert.InRange(p.TopicAlias ?? 0, 1, MosquittoTopicAliasMaximum));
        Assert.Contains(wire, p => p.TopicName.Length == 0); // the hot topic went by alias alone
        Assert.Contains(wire.Where(p => p.TopicName.Length > 0).GroupBy(p => p.TopicAlias), g => g.Select(p => p.TopicName).Distinct().Count() > 1); // an alias re-pointed
    }

    [Theory] // [MQTT-3.1.2-26] [MQTT-3.3.2-11] no alias above our maximum; [MQTT-3.1.2-27] none at all when it is 0
    [InlineData((ushort)0)]
    [InlineData((ushort)5)]
    public async Task SubscriberTopicAliasMaximum_ManyTopics_MessagesArriveWithCorrectTopics(ushort maximum)
    {
        string root = NewRoot("alias-inbound");
        string[] topics = [.. Enumerable.Range(0, 40).Select(i => $"{root}/t{i % 8}")];
        await using var tap = new TcpTap(broker.Broker.Port(MosquittoFixture.Tcp));
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub", Options(topicAliasMaximum: maximum), tap.Url);
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await subscriber.SubscribeAsync(root + "/#", MqttQos.AtLeastOnce).Bounded();

        await Task.WhenAll(topics.Select((t, i) => publisher.PublishAsync(t, Utf8($"{i}|{t}"), MqttQos.AtLeastOnce))).Bounded();

        List<MqttMessage> received = await subscriber.ReadAsync(topics.Length);
        Assert.All(received, m => Assert.Equal(m.Text().Split('|')[1], m.Topic));

        List<WirePublish> wire = WireFrames.Publishes(tap.BrokerToClient);
        int aliased = wire.Count(p => p.TopicAlias is not null);
        output.WriteLine($"Topic Alias Maximum {maximum}: mosquitto sent {aliased} of {wire.Count} PUBLISHes with an alias.");
        Assert.All(wire, p => Assert.InRange(p.TopicAlias ?? 1, 1, Math.Max((int)maximum, 1)));
        if (maximum == 0)
        {
            Assert.Equal(0, aliased);
        }
    }
}
