using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.LifecycleAssert;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>5.0 CONNACK properties (§3.2.2.3) take effect: the server's limits bound what we send, and what it cannot take fails locally.</summary>
public class ServerLimitsTests
{
    private static SessionHarness ConnectedWith(ConnAckProperties properties, SessionOptions? options = null) =>
        Connected(MqttProtocolVersion.V500, options, new ConnAckPacket { Properties = properties });

    [Fact] // [MQTT-3.3.4-7]/[MQTT-3.3.4-8], §4.9: at most Receive Maximum QoS 1/2 publishes in flight; the rest wait, in order
    public void ReceiveMaximumTwo_FiveQos1Publishes_TwoInFlightRestAfterPubAcks()
    {
        SessionHarness h = ConnectedWith(new ConnAckProperties { ReceiveMaximum = 2 });
        for (int i = 0; i < 5; i++)
        {
            h.Session.Publish(Message($"t/{i}", MqttQos.AtLeastOnce));
        }

        List<PublishPacket> first = h.Sent().Cast<PublishPacket>().ToList();
        Assert.Equal(["t/0", "t/1"], first.Select(p => p.TopicName.ToString()));
        Assert.Equal(2, h.Session.InflightCount);
        Assert.Equal(3, h.Session.PendingCount);

        var order = new List<string>(first.Select(p => p.TopicName.ToString()));
        var unacked = new Queue<ushort>(first.Select(p => p.PacketIdentifier));
        while (unacked.TryDequeue(out ushort id))
        {
            h.Receive(new PubAckPacket(id));
            foreach (PublishPacket next in h.Sent().Cast<PublishPacket>())
            {
                order.Add(next.TopicName.ToString());
                unacked.Enqueue(next.PacketIdentifier);
            }

            Assert.True(h.Session.InflightCount <= 2);
        }

        Assert.Equal(["t/0", "t/1", "t/2", "t/3", "t/4"], order);
        Assert.Equal(5, h.EventsOf(SessionEventKind.PublishCompleted).Count);
        Assert.All(h.Log.Where(p => p.Packet is PublishPacket), p => Assert.False(((PublishPacket)p.Packet).Dup));
    }

    [Theory] // [MQTT-3.2.2-11]: no PUBLISH above the server's Maximum QoS; fails locally with 0x9B
    [InlineData(MqttQos.AtMostOnce, MqttQos.AtLeastOnce)]
    [InlineData(MqttQos.AtMostOnce, MqttQos.ExactlyOnce)]
    [InlineData(MqttQos.AtLeastOnce, MqttQos.ExactlyOnce)]
    public void MaximumQos_PublishAbove_ThrowsQosNotSupportedAndSendsNothing(MqttQos maximum, MqttQos requested)
    {
        SessionHarness h = ConnectedWith(new ConnAckProperties { MaximumQoS = maximum });
        Assert.Equal(maximum, h.AssertConnected().MaximumQoS);

        var ex = Assert.Throws<MqttCapabilityException>(() => h.Session.Publish(Message("t", requested)));
        Assert.Equal(MqttReasonCode.QoSNotSupported, ex.ReasonCode);
        Assert.Empty(h.Sent());
        Assert.Empty(h.EventsOf(SessionEventKind.PublishCompleted));

        h.Session.Publish(Message("t", maximum)); // at the maximum it goes
        Assert.Equal(maximum, h.SentOne<PublishPacket>().Qos);
    }

    [Fact] // [MQTT-3.2.2-14]: no retained PUBLISH when Retain Available is 0; fails locally with 0x9A
    public void RetainUnavailable_RetainedPublish_ThrowsRetainNotSupportedAndSendsNothing()
    {
        SessionHarness h = ConnectedWith(new ConnAckProperties { RetainAvailable = false });

        var ex = Assert.Throws<MqttCapabilityException>(() => h.Session.Publish(Message("t", MqttQos.AtLeastOnce, retain: true)));
        Assert.Equal(MqttReasonCode.RetainNotSupported, ex.ReasonCode);
        Assert.Empty(h.Sent());

        h.Session.Publish(Message("t", MqttQos.AtLeastOnce));
        Assert.False(h.SentOne<PublishPacket>().Retain);
    }

    [Fact] // [MQTT-3.1.2-24]: no packet above the server's Maximum Packet Size; fails locally with 0x95
    public void MaximumPacketSize_PublishOneByteOver_ThrowsPacketTooLargeAndSendsNothing()
    {
        SessionHarness h = ConnectedWith(new ConnAckProperties { MaximumPacketSize = 50 });

        // 30 02 | 00 01 't' | id (2) | property length 0 | payload: 8 bytes + payload.
        var ex = Assert.Throws<MqttCapabilityException>(() => h.Session.Publish(Message("t", MqttQos.AtLeastOnce, payloadLength: 43)));
        Assert.Equal(MqttReasonCode.PacketTooLarge, ex.ReasonCode);
        Assert.Empty(h.Sent());

        h.Session.Publish(Message("t", MqttQos.AtLeastOnce, payloadLength: 42)); // exactly 50 bytes
        Assert.Equal(42, h.SentOne<PublishPacket>().Payload.Length);
    }

    [Fact] // [MQTT-3.3.2-9]/[MQTT-3.3.2-10]: aliases stay within the server's Topic Alias Maximum; least recently used replaced
    public void TopicAliasMaximumTwo_AutomaticAliases_ThreeTopicsShareTwoAliases()
    {
        SessionHarness h = ConnectedWith(new ConnAckProperties { TopicAliasMaximum = 2 }, new SessionOptions { AutomaticTopicAliases = true });
        foreach (string topic in new[] { "a", "b", "a", "c", "b" })
        {
            h.Session.Publish(Message(topic, MqttQos.AtMostOnce));
        }

        var sent = h.Sent().Cast<PublishPacket>().Select(p => (Topic: p.TopicName.ToString(), p.Properties.TopicAlias)).ToList();
        Assert.Equal(
            [("a", (ushort?)1), ("b", 2), (string.Empty, 1), ("c", 2), ("b", 1)],
            sent);
    }

    [Theory] // [MQTT-3.3.2-9]: no Topic Alias in CONNACK means 0, so none is sent even when automatic aliases are on
    [InlineData(true)]
    [InlineData(false)]
    public void NoTopicAliasMaximum_RepeatedTopic_SentWithoutAlias(bool automatic)
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { AutomaticTopicAliases = automatic });
        h.Session.Publish(Message("a", MqttQos.AtMostOnce));
        h.Session.Publish(Message("a", MqttQos.AtMostOnce));
        Assert.All(h.Sent().Cast<PublishPacket>(), p =>
        {
            Assert.Equal("a", p.TopicName.ToString());
            Assert.Null(p.Properties.TopicAlias);
        });
    }

    [Theory] // 5.0 §3.2.2.3.11–13: unsupported subscription features fail locally with the SUBACK code the server would use
    [InlineData("a/+", null, MqttReasonCode.WildcardSubscriptionsNotSupported)]
    [InlineData("a/#", null, MqttReasonCode.WildcardSubscriptionsNotSupported)]
    [InlineData("a/b", 7u, MqttReasonCode.SubscriptionIdentifiersNotSupported)]
    [InlineData("$share/g/a/b", null, MqttReasonCode.SharedSubscriptionsNotSupported)]
    public void FeatureUnavailable_Subscribe_ThrowsCapabilityAndSendsNothing(string filter, uint? subscriptionId, MqttReasonCode expected)
    {
        SessionHarness h = ConnectedWith(new ConnAckProperties
        {
            WildcardSubscriptionAvailable = false,
            SubscriptionIdentifierAvailable = false,
            SharedSubscriptionAvailable = false,
        });

        var request = new SubscribePacket
        {
            Properties = new SubscribeProperties { SubscriptionIdentifier = subscriptionId },
            Subscriptions = new Subscription[] { new("x/y"), new(filter) },
        };
        var ex = Assert.Throws<MqttCapabilityException>(() => h.Session.Subscribe(request));
        Assert.Equal(expected, ex.ReasonCode);
        Assert.Empty(h.Sent());

        h.Session.Subscribe(new SubscribePacket { Subscriptions = new Subscription[] { new("x/y") } });
        Assert.Equal("x/y", h.SentOne<SubscribePacket>().Subscriptions[0].TopicFilter.ToString());
    }

    [Fact] // §3.2.2.3: every limit, the server reference and the reason string reach the Connected event
    public void ConnAckProperties_V500_ReportedInConnectedInfo()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500, new SessionOptions { KeepAlive = TimeSpan.FromSeconds(60) });
        h.Connect(new ConnAckPacket
        {
            SessionPresent = false,
            Properties = new ConnAckProperties
            {
                SessionExpiryInterval = 120,
                ReceiveMaximum = 10,
                MaximumQoS = MqttQos.AtLeastOnce,
                RetainAvailable = false,
                MaximumPacketSize = 2048,
                AssignedClientIdentifier = "auto-1",
                TopicAliasMaximum = 4,
                ReasonString = "welcome",
                WildcardSubscriptionAvailable = false,
                SubscriptionIdentifierAvailable = false,
                SharedSubscriptionAvailable = false,
                ServerKeepAlive = 20,
                ResponseInformation = "resp/",
                ServerReference = "backup.example",
            },
        });

        var expected = new ConnectedInfo(
            SessionPresent: false,
            AssignedClientIdentifier: "auto-1",
            KeepAlive: TimeSpan.FromSeconds(20),
            ServerReceiveMaximum: 10,
            MaximumQoS: MqttQos.AtLeastOnce,
            RetainAvailable: false,
            MaximumPacketSize: 2048,
            TopicAliasMaximum: 4,
            WildcardSubscriptionAvailable: false,
            SubscriptionIdentifiersAvailable: false,
            SharedSubscriptionAvailable: false,
            ResponseInformation: "resp/",
            ServerReference: "backup.example",
            ReasonString: "welcome",
            SessionExpiryInterval: 120);
        Assert.Equal(expected, h.AssertConnected());
    }

    [Fact] // 3.1.1 has no server limits: the 5.0 defaults are in force
    public void ConnAck_V311_DefaultLimitsReported()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V311, new SessionOptions { KeepAlive = TimeSpan.FromSeconds(15) });
        h.Connect();

        var expected = new ConnectedInfo(
            false, null, TimeSpan.FromSeconds(15), ushort.MaxValue, MqttQos.ExactlyOnce, true, PacketScanner.ProtocolMaximumPacketSize,
            0, true, true, true, null, null, null, null);
        Assert.Equal(expected, h.AssertConnected());

        h.Session.Publish(Message("t", MqttQos.ExactlyOnce, retain: true));
        Assert.Equal(MqttQos.ExactlyOnce, h.SentOne<PublishPacket>().Qos);
    }

    [Fact] // limits are per connection: a later CONNACK without them restores the defaults
    public void Reconnect_ConnAckWithoutLimits_DefaultsRestored()
    {
        SessionHarness h = ConnectedWith(new ConnAckProperties { MaximumQoS = MqttQos.AtMostOnce, RetainAvailable = false, ReceiveMaximum = 1 });
        h.LoseConnection();
        h.Connect();

        h.Session.Publish(Message("t", MqttQos.ExactlyOnce, retain: true));
        h.Session.Publish(Message("u", MqttQos.ExactlyOnce));
        Assert.Equal(2, h.Sent().Count);
    }
}
