using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// Packet Identifiers 1–65,535 (5.0 §2.2.1, 3.1.1 §2.3.1): unused when assigned, walking forward
/// and wrapping, and back-pressure (not failure) when all are taken.
/// </summary>
public class PacketIdentifierTests
{
    private static readonly byte[] One = [1];

    [Theory] // [MQTT-2.2.1-3] (5.0) / [MQTT-2.3.1-1] (3.1.1): a fresh non-zero identifier per flow
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void PublishesAndSubscribe_InFlight_DistinctIdsInOrder(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Session.Publish(Message("a", MqttQos.AtLeastOnce, 1));
        h.Session.Subscribe(new SubscribePacket { Subscriptions = new Subscription[] { new("f") } });
        h.Session.Publish(Message("b", MqttQos.ExactlyOnce, 2));
        h.Session.Unsubscribe(new UnsubscribePacket { TopicFilters = new MqttString[] { "f" } });

        List<IMqttPacket> sent = h.Sent();
        Assert.Equal(1, Assert.IsType<PublishPacket>(sent[0]).PacketIdentifier);
        Assert.Equal(2, Assert.IsType<SubscribePacket>(sent[1]).PacketIdentifier);
        Assert.Equal(3, Assert.IsType<PublishPacket>(sent[2]).PacketIdentifier);
        Assert.Equal(4, Assert.IsType<UnsubscribePacket>(sent[3]).PacketIdentifier);
    }

    [Fact] // a just-freed identifier is not taken again at once: the allocator walks forward
    public void IdFreed_NextPublish_TakesNextIdNotTheFreedOne()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        h.Session.Publish(Message("a", MqttQos.AtLeastOnce, 1));
        Assert.Equal(1, h.SentOne<PublishPacket>().PacketIdentifier);
        h.Receive(new PubAckPacket(1));
        h.Session.Publish(Message("a", MqttQos.AtLeastOnce, 2));
        Assert.Equal(2, h.SentOne<PublishPacket>().PacketIdentifier);
    }

    // The identifier space is the same at both levels; each 65,535-flow scenario runs at one
    // level only, to keep the suite fast.
    [Fact] // [MQTT-2.3.1-1] (3.1.1): after 65,535 the count wraps to 1, skipping identifiers still in flight
    public void AllIdsUsedOnce_SomeStillInFlight_WrapsAndSkipsThem()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V311);
        PublishMany(h, 65_535);
        Assert.Equal(65_535, h.Session.InflightCount);

        // Free 3, 7 and 65,535; 1, 2, 4–6 and the rest stay in flight.
        h.Receive(new PubAckPacket(3));
        h.Receive(new PubAckPacket(7));
        h.Receive(new PubAckPacket(65_535));
        h.Session.Publish(Message("w", MqttQos.AtLeastOnce, 1));
        h.Session.Publish(Message("w", MqttQos.AtLeastOnce, 2));
        h.Session.Publish(Message("w", MqttQos.AtLeastOnce, 3));

        Assert.Equal([3, 7, 65_535], h.Sent().Cast<PublishPacket>().Select(p => (int)p.PacketIdentifier));
        Assert.Equal(0, h.Session.PendingCount);
    }

    [Fact] // [MQTT-2.2.1-3] (5.0): every identifier taken → publishes and SUBSCRIBE wait (no failure), then take freed ones
    public void AllIdsTaken_PublishesAndSubscribe_WaitThenUseFreedIds()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);

        // An unacknowledged SUBSCRIBE holds identifier 1, so the publishes alone stay under the
        // Receive Maximum (65,534 < 65,535): what stops the next one is the identifier space.
        h.Session.Subscribe(new SubscribePacket { Subscriptions = new Subscription[] { new("f") } });
        Assert.Equal(1, h.SentOne<SubscribePacket>().PacketIdentifier);
        PublishMany(h, 65_534);
        Assert.Equal(65_534, h.Session.InflightCount);

        OutboundMessage waiting1 = Message("wait/1", MqttQos.ExactlyOnce, 1);
        OutboundMessage waiting2 = Message("wait/2", MqttQos.AtLeastOnce, 2);
        long t1 = h.Session.Publish(waiting1);
        long t2 = h.Session.Publish(waiting2);
        long ts = h.Session.Subscribe(new SubscribePacket { Subscriptions = new Subscription[] { new("g") } });
        Assert.Empty(h.Sent());
        Assert.Equal(2, h.Session.PendingCount);
        Assert.False(h.IsCompleted(t1));
        Assert.False(h.IsCompleted(t2));
        Assert.Empty(h.EventsOf(SessionEventKind.Closed));

        // Each freed identifier goes to the next waiting request: the SUBSCRIBE first, then the publishes in order.
        h.Receive(new SubAckPacket { PacketIdentifier = 1, ReasonCodes = new[] { MqttReasonCode.GrantedQoS0 } });
        SubscribePacket resubscribe = h.SentOne<SubscribePacket>();
        Assert.Equal(1, resubscribe.PacketIdentifier);
        Assert.Equal("g", resubscribe.Subscriptions[0].TopicFilter.ToString());

        h.Receive(new PubAckPacket(100));
        Assert.Equal(Expected(waiting1, id: 100), h.SentOne<PublishPacket>());
        Assert.Equal(1, h.Session.PendingCount);

        h.Receive(new PubAckPacket(40_000));
        Assert.Equal(Expected(waiting2, id: 40_000), h.SentOne<PublishPacket>());
        Assert.Equal(0, h.Session.PendingCount);

        h.Receive(new SubAckPacket { PacketIdentifier = 1, ReasonCodes = new[] { MqttReasonCode.GrantedQoS1 } });
        Assert.Equal(ts, h.EventsOf(SessionEventKind.SubscribeCompleted)[^1].Token);
        Assert.DoesNotContain(h.Completions(), e => !e.IsSuccess);
    }

    /// <summary>Publishes <paramref name="count"/> QoS 1 messages and checks they took 1, 2, … in order.</summary>
    private static void PublishMany(SessionHarness h, int count)
    {
        for (int i = 0; i < count; i++)
        {
            h.Session.Publish(new OutboundMessage("t", One, MqttQos.AtLeastOnce));
        }

        List<IMqttPacket> sent = h.Sent();
        Assert.Equal(count, sent.Count);
        int first = ((PublishPacket)sent[0]).PacketIdentifier;
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(first + i, ((PublishPacket)sent[i]).PacketIdentifier);
        }
    }
}
