using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// The subscription registry and the re-SUBSCRIBE after a lost session (MqttSession.Resubscribe.cs).
/// Subscriptions are Session State the server keeps (5.0 §4.1, 3.1.1 §4.1); a CONNACK with Session
/// Present 0 means it kept none, so the client sends them again, with their original options and
/// identifiers, before anything else, and reports Connected only once they are acknowledged.
/// </summary>
public class ResubscribeTests
{
    private static readonly SessionOptions KeepSession = new() { ClientId = "dev-1", CleanStart = false, SessionExpiryInterval = 300 };
    private static readonly ConnAckPacket Resumed = new() { SessionPresent = true };
    private static readonly ConnAckPacket Fresh = new() { SessionPresent = false };

    private static Subscription Sub(string filter, MqttQos maximumQos = MqttQos.AtMostOnce) =>
        new(filter, new SubscriptionOptionFlags { MaximumQos = maximumQos });

    private static SubscribePacket Subscribe(uint? identifier, params Subscription[] subscriptions) => new()
    {
        Subscriptions = subscriptions,
        Properties = new SubscribeProperties { SubscriptionIdentifier = identifier },
    };

    private static SubscribePacket Subscribe(params Subscription[] subscriptions) => Subscribe(null, subscriptions);

    private static UnsubscribePacket Unsubscribe(params string[] filters) => new() { TopicFilters = filters.Select(f => (MqttString)f).ToArray() };

    private static SubAckPacket SubAck(ushort id, params MqttReasonCode[] codes) => new() { PacketIdentifier = id, ReasonCodes = codes };

    /// <summary>Grants every filter of <paramref name="sent"/> the QoS it asked for.</summary>
    private static SubAckPacket GrantAll(SubscribePacket sent) =>
        SubAck(sent.PacketIdentifier, sent.Subscriptions.Select(s => (MqttReasonCode)(byte)s.Options.MaximumQos).ToArray());

    private static UnsubAckPacket UnsubAck(MqttProtocolVersion version, ushort id, int filters) => version == MqttProtocolVersion.V500
        ? new UnsubAckPacket { PacketIdentifier = id, ReasonCodes = Enumerable.Repeat(MqttReasonCode.Success, filters).ToArray() }
        : new UnsubAckPacket { PacketIdentifier = id };

    /// <summary>Subscribes and lets the server grant everything; returns the SUBSCRIBE as sent.</summary>
    private static SubscribePacket SubscribeGranted(SessionHarness h, SubscribePacket request)
    {
        h.Session.Subscribe(request);
        SubscribePacket sent = h.SentOne<SubscribePacket>();
        h.Receive(GrantAll(sent));
        return sent;
    }

    private static int ConnectedCount(SessionHarness h) => h.EventsOf(SessionEventKind.Connected).Count;

    private static int SubscribeCompletedCount(SessionHarness h) => h.EventsOf(SessionEventKind.SubscribeCompleted).Count;

    [Theory] // 5.0 §4.1 / 3.1.1 §4.1: the server kept no session, so none of its subscriptions; each acknowledged filter goes again once
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void NoSessionPresent_EveryGrantedFilterResubscribedOnceInSubscribeOrder(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        SubscribeGranted(h, Subscribe(Sub("a/+", MqttQos.AtLeastOnce), Sub("b/#", MqttQos.ExactlyOnce)));
        SubscribeGranted(h, Subscribe(Sub("c")));
        Assert.Equal(3, h.Session.SubscriptionCount);
        Assert.Equal(2, SubscribeCompletedCount(h));

        h.Reconnect(Fresh);

        // Under 3.1.1 (no identifiers) and 5.0 without them: one SUBSCRIBE, the filters in subscribe order.
        SubscribePacket again = Subscribe(Sub("a/+", MqttQos.AtLeastOnce), Sub("b/#", MqttQos.ExactlyOnce), Sub("c")) with { PacketIdentifier = 3 };
        Assert.Equal(again, h.SentOne<SubscribePacket>());
        h.Receive(GrantAll(again));

        Assert.Empty(h.Sent());
        Assert.Equal(2, SubscribeCompletedCount(h)); // the re-SUBSCRIBE is the session's own: no event
        Assert.Equal(2, ConnectedCount(h));
        Assert.Equal(3, h.Session.SubscriptionCount);
    }

    [Fact] // 5.0 §3.8.3.1 options and §3.8.2.1.2 identifier kept; a SUBSCRIBE carries at most one identifier, so one per identifier
    public void NoSessionPresent_V5_OriginalOptionsKept_OneSubscribePerIdentifier()
    {
        var noLocal = new SubscriptionOptionFlags { MaximumQos = MqttQos.AtLeastOnce, NoLocal = true };
        var rapNoRetained = new SubscriptionOptionFlags { MaximumQos = MqttQos.ExactlyOnce, RetainAsPublished = true, RetainHandling = RetainHandling.DoNotSend };
        var retainedIfNew = new SubscriptionOptionFlags { MaximumQos = MqttQos.AtMostOnce, RetainHandling = RetainHandling.SendAtSubscribeIfNew };
        var all = new SubscriptionOptionFlags { MaximumQos = MqttQos.AtLeastOnce, NoLocal = true, RetainAsPublished = true, RetainHandling = RetainHandling.DoNotSend };

        SessionHarness h = Connected(MqttProtocolVersion.V500, KeepSession);
        SubscribeGranted(h, Subscribe(7, new Subscription("a/+", noLocal)));         // id 1
        SubscribeGranted(h, Subscribe(null, new Subscription("c", retainedIfNew)));  // id 2
        SubscribeGranted(h, Subscribe(7, new Subscription("b/#", rapNoRetained)));   // id 3: joins identifier 7
        SubscribeGranted(h, Subscribe(9, new Subscription("d", all)));              // id 4

        h.Reconnect(Fresh);

        SubscribePacket[] expected =
        [
            Subscribe(7, new Subscription("a/+", noLocal), new Subscription("b/#", rapNoRetained)) with { PacketIdentifier = 5 },
            Subscribe(null, new Subscription("c", retainedIfNew)) with { PacketIdentifier = 6 },
            Subscribe(9, new Subscription("d", all)) with { PacketIdentifier = 7 },
        ];
        Assert.Equal(expected, h.Sent().Cast<SubscribePacket>());

        foreach (SubscribePacket s in expected)
        {
            h.Receive(GrantAll(s));
        }

        Assert.Equal(4, SubscribeCompletedCount(h));
        Assert.Equal(2, ConnectedCount(h));
    }

    [Fact] // the registry follows the last SUBACK: a filter subscribed again takes its newest options and identifier
    public void NoSessionPresent_V5_FilterSubscribedTwice_ResubscribedWithLatestOptionsAndIdentifier()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, KeepSession);
        SubscribeGranted(h, Subscribe(3, Sub("x"), Sub("y", MqttQos.AtLeastOnce)));
        var newer = new SubscriptionOptionFlags { MaximumQos = MqttQos.ExactlyOnce, NoLocal = true };
        SubscribeGranted(h, Subscribe(null, new Subscription("x", newer)));
        Assert.Equal(2, h.Session.SubscriptionCount);

        h.Reconnect(Fresh);

        Assert.Equal(
            new[]
            {
                Subscribe(3, Sub("y", MqttQos.AtLeastOnce)) with { PacketIdentifier = 3 },
                Subscribe(null, new Subscription("x", newer)) with { PacketIdentifier = 4 },
            },
            h.Sent().Cast<SubscribePacket>());
    }

    [Theory] // Session Present 1: the server still has the subscriptions; nothing is sent, Connected comes at once
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void SessionPresent_NothingResubscribed_ConnectedAtOnce(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        SubscribeGranted(h, Subscribe(Sub("a"), Sub("b", MqttQos.AtLeastOnce)));

        h.Reconnect(Resumed);
        Assert.Empty(h.Sent());
        Assert.Equal(2, ConnectedCount(h));
        Assert.True(Assert.IsType<ConnectedInfo>(h.EventsOf(SessionEventKind.Connected)[^1].Detail).SessionPresent);
        Assert.Equal(2, h.Session.SubscriptionCount);

        // The registry outlives the resumed connection: a later lost session still gets them back.
        h.Reconnect(Fresh);
        Assert.Equal(Subscribe(Sub("a"), Sub("b", MqttQos.AtLeastOnce)) with { PacketIdentifier = 2 }, h.SentOne<SubscribePacket>());
        Assert.Equal(2, ConnectedCount(h));
    }

    [Theory] // an acknowledged UNSUBSCRIBE removes the filter from what is re-subscribed
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Unsubscribed_NotResubscribed(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        SubscribeGranted(h, Subscribe(Sub("a"), Sub("b"), Sub("c")));
        h.Session.Unsubscribe(Unsubscribe("b"));
        Assert.Equal(Unsubscribe("b") with { PacketIdentifier = 2 }, h.SentOne<UnsubscribePacket>());
        Assert.Equal(3, h.Session.SubscriptionCount); // until the UNSUBACK
        h.Receive(UnsubAck(version, 2, 1));
        Assert.Equal(2, h.Session.SubscriptionCount);

        h.Reconnect(Fresh);
        Assert.Equal(Subscribe(Sub("a"), Sub("c")) with { PacketIdentifier = 3 }, h.SentOne<SubscribePacket>());
    }

    [Theory] // [MQTT-3.9.3-1] codes per filter: a refused filter (0x80) is not held, initially, later, or on a re-SUBSCRIBE
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void RefusedFilters_DroppedFromRegistry(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        h.Session.Subscribe(Subscribe(Sub("a"), Sub("b"), Sub("c", MqttQos.AtLeastOnce)));
        h.Sent();
        h.Receive(SubAck(1, MqttReasonCode.GrantedQoS0, MqttReasonCode.UnspecifiedError, MqttReasonCode.GrantedQoS1));
        SubscribeGranted(h, Subscribe(Sub("d")));                       // id 2, granted
        h.Session.Subscribe(Subscribe(Sub("d")));                        // id 3: refused this time
        h.Sent();
        h.Receive(SubAck(3, MqttReasonCode.UnspecifiedError));
        Assert.Equal(2, h.Session.SubscriptionCount);

        h.Reconnect(Fresh);
        Assert.Equal(Subscribe(Sub("a"), Sub("c", MqttQos.AtLeastOnce)) with { PacketIdentifier = 4 }, h.SentOne<SubscribePacket>());
        h.Receive(SubAck(4, MqttReasonCode.GrantedQoS0, MqttReasonCode.UnspecifiedError)); // the server refuses c now
        Assert.Equal(1, h.Session.SubscriptionCount);
        Assert.Equal(2, ConnectedCount(h)); // a refused re-SUBSCRIBE still ends the wait

        h.Reconnect(Fresh);
        Assert.Equal(Subscribe(Sub("a")) with { PacketIdentifier = 5 }, h.SentOne<SubscribePacket>());
    }

    [Theory] // Connected waits for every re-SUBACK (64 filters per re-SUBSCRIBE), then comes exactly once
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void NoSessionPresent_ConnectedHeldUntilLastResubAck_ThenRaisedOnce(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        Subscription[] filters = Enumerable.Range(0, 65).Select(i => Sub($"f/{i}", MqttQos.AtLeastOnce)).ToArray();
        SubscribeGranted(h, Subscribe(filters));
        Assert.Equal(65, h.Session.SubscriptionCount);

        h.Reconnect(Fresh);
        Assert.Equal(SessionState.Connected, h.Session.State);
        Assert.Equal(
            new[] { Subscribe(filters[..64]) with { PacketIdentifier = 2 }, Subscribe(filters[64]) with { PacketIdentifier = 3 } },
            h.Sent().Cast<SubscribePacket>());
        Assert.Equal(1, ConnectedCount(h)); // the first connection's only

        h.Receive(SubAck(3, MqttReasonCode.GrantedQoS1));
        Assert.Equal(1, ConnectedCount(h));
        h.Receive(SubAck(2, Enumerable.Repeat(MqttReasonCode.GrantedQoS1, 64).ToArray()));
        Assert.Equal(2, ConnectedCount(h));
        Assert.False(Assert.IsType<ConnectedInfo>(h.EventsOf(SessionEventKind.Connected)[^1].Detail).SessionPresent);

        // Nothing later raises it again, and the re-SUBSCRIBEs raised no completion.
        h.Session.Publish(Message("t", MqttQos.AtLeastOnce, 1));
        h.Receive(new PubAckPacket(h.SentOne<PublishPacket>().PacketIdentifier));
        Assert.Equal(
            [SessionEventKind.Connected, SessionEventKind.SubscribeCompleted, SessionEventKind.Closed, SessionEventKind.Connected, SessionEventKind.PublishCompleted],
            h.Events.Select(e => e.Kind));
    }

    [Theory] // re-SUBSCRIBEs go first: before requests the application queued while offline and before publishes
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void NoSessionPresent_ResubscribeSentBeforeQueuedRequestsAndPublishes(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        SubscribeGranted(h, Subscribe(Sub("a", MqttQos.AtLeastOnce)));   // id 1
        OutboundMessage old = Message("old", MqttQos.AtLeastOnce, 1);
        long tOld = h.Session.Publish(old);                              // id 2, never acknowledged
        Assert.Equal(Expected(old, 2), h.SentOne<PublishPacket>());
        long tp = h.Session.Subscribe(Subscribe(Sub("p")));              // id 3, never acknowledged
        Assert.Equal(Subscribe(Sub("p")) with { PacketIdentifier = 3 }, h.SentOne<SubscribePacket>());

        h.LoseConnection();
        OutboundMessage m = Message("m", MqttQos.ExactlyOnce, 2);
        long tm = h.Session.Publish(m);
        long tn = h.Session.Subscribe(Subscribe(Sub("n", MqttQos.ExactlyOnce)));
        long tu = h.Session.Unsubscribe(Unsubscribe("a"));
        Assert.Empty(h.Sent());
        h.Reconnect(Fresh);

        Assert.Equal(
            new IMqttPacket[]
            {
                Subscribe(Sub("a", MqttQos.AtLeastOnce)) with { PacketIdentifier = 4 }, // the re-SUBSCRIBE
                Subscribe(Sub("p")) with { PacketIdentifier = 5 },                      // unacknowledged before the loss
                Subscribe(Sub("n", MqttQos.ExactlyOnce)) with { PacketIdentifier = 6 }, // queued offline
                Unsubscribe("a") with { PacketIdentifier = 7 },
                Expected(old, 8),                                                       // sent again as new
                Expected(m, 9),
            },
            h.Sent());

        Assert.Equal(1, ConnectedCount(h));
        h.Receive(SubAck(4, MqttReasonCode.GrantedQoS1));
        h.Receive(SubAck(5, MqttReasonCode.GrantedQoS0));
        h.Receive(SubAck(6, MqttReasonCode.GrantedQoS2));
        h.Receive(UnsubAck(version, 7, 1));
        h.Receive(new PubAckPacket(8));

        // Connected comes with the re-SUBACK, ahead of the application's completions.
        Assert.Equal(
            [(SessionEventKind.Connected, 0L), (SessionEventKind.SubscribeCompleted, tp), (SessionEventKind.SubscribeCompleted, tn),
             (SessionEventKind.UnsubscribeCompleted, tu), (SessionEventKind.PublishCompleted, tOld)],
            h.Events.SkipWhile(e => e.Kind != SessionEventKind.Closed).Skip(1).Select(e => (e.Kind, e.Token)));
        Assert.False(h.IsCompleted(tm));

        // The application's requests fed the registry: a is gone, p and n are held.
        h.Reconnect(Fresh);
        Assert.Equal(
            new IMqttPacket[] { Subscribe(Sub("p"), Sub("n", MqttQos.ExactlyOnce)) with { PacketIdentifier = 10 }, Expected(m, 11) },
            h.Sent()); // m, not past PUBREC, goes again as new
    }

    [Theory] // connection lost during the re-subscribe: the next lost session re-subscribes once, no stale duplicate
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void ConnectionLostDuringResubscribe_NextNoSessionPresent_ResubscribesOnceWithoutDuplicates(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        SubscribeGranted(h, Subscribe(Sub("a"), Sub("b", MqttQos.AtLeastOnce))); // id 1
        h.LoseConnection();
        long tn = h.Session.Subscribe(Subscribe(Sub("n")));

        h.Session.Connect();
        h.SentOne<ConnectPacket>();
        h.Receive(Fresh);
        Assert.Equal(
            new[] { Subscribe(Sub("a"), Sub("b", MqttQos.AtLeastOnce)) with { PacketIdentifier = 2 }, Subscribe(Sub("n")) with { PacketIdentifier = 3 } },
            h.Sent().Cast<SubscribePacket>());
        h.LoseConnection(); // before either SUBACK

        h.Reconnect(Fresh);
        Assert.Equal(
            new[] { Subscribe(Sub("a"), Sub("b", MqttQos.AtLeastOnce)) with { PacketIdentifier = 4 }, Subscribe(Sub("n")) with { PacketIdentifier = 5 } },
            h.Sent().Cast<SubscribePacket>());
        h.Receive(SubAck(4, MqttReasonCode.GrantedQoS0, MqttReasonCode.GrantedQoS1));
        h.Receive(SubAck(5, MqttReasonCode.GrantedQoS0));
        Assert.Empty(h.Sent());

        // The interrupted connection never reported Connected; the one that finished did, once.
        Assert.Equal(
            [SessionEventKind.Connected, SessionEventKind.SubscribeCompleted, SessionEventKind.Closed, SessionEventKind.Closed,
             SessionEventKind.Connected, SessionEventKind.SubscribeCompleted],
            h.Events.Select(e => e.Kind));
        Assert.Equal(tn, h.EventsOf(SessionEventKind.SubscribeCompleted)[^1].Token);
        Assert.Equal(3, h.Session.SubscriptionCount);
    }

    [Theory] // a re-SUBSCRIBE never acknowledged is sent again even when the next CONNACK has Session Present 1
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void ConnectionLostDuringResubscribe_NextSessionPresent_UnacknowledgedResubscribeSentAgain(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        SubscribeGranted(h, Subscribe(Sub("a"), Sub("b", MqttQos.AtLeastOnce))); // id 1

        h.Reconnect(Fresh);
        Assert.Equal(Subscribe(Sub("a"), Sub("b", MqttQos.AtLeastOnce)) with { PacketIdentifier = 2 }, h.SentOne<SubscribePacket>());
        h.LoseConnection(); // the server may or may not have received it

        h.Reconnect(Resumed);
        SubscribePacket again = Assert.IsType<SubscribePacket>(Assert.Single(h.Sent()));
        Assert.Equal(Subscribe(Sub("a"), Sub("b", MqttQos.AtLeastOnce)), again with { PacketIdentifier = 0 });
        h.Receive(GrantAll(again));
        Assert.Equal(1, SubscribeCompletedCount(h));
        Assert.Equal(2, ConnectedCount(h));
    }

    [Fact] // 5.0 §3.2.2.3.12: a server that no longer takes Subscription Identifiers refuses those filters locally; the rest go
    public void NoSessionPresent_V5_IdentifiersNoLongerAvailable_ThoseFiltersDroppedRestResubscribed()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, KeepSession);
        SubscribeGranted(h, Subscribe(5, Sub("with-id")));  // id 1
        SubscribeGranted(h, Subscribe(null, Sub("plain"))); // id 2

        h.Reconnect(new ConnAckPacket { Properties = new ConnAckProperties { SubscriptionIdentifierAvailable = false } });
        Assert.Equal(Subscribe(Sub("plain")) with { PacketIdentifier = 3 }, h.SentOne<SubscribePacket>());
        Assert.Equal(1, ConnectedCount(h));
        h.Receive(SubAck(3, MqttReasonCode.GrantedQoS0));
        Assert.Equal(2, ConnectedCount(h));
        Assert.Equal(2, SubscribeCompletedCount(h));
        Assert.Equal(1, h.Session.SubscriptionCount);
    }

    [Fact] // when every re-SUBSCRIBE fails locally, nothing waits: Connected comes with the CONNACK
    public void NoSessionPresent_V5_EveryResubscribeFailsLocally_ConnectedAtOnce()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, KeepSession);
        SubscribeGranted(h, Subscribe(5, Sub("a/+")));

        h.Reconnect(new ConnAckPacket { Properties = new ConnAckProperties { WildcardSubscriptionAvailable = false } });
        Assert.Empty(h.Sent());
        Assert.Equal(2, ConnectedCount(h));
        Assert.Equal(1, SubscribeCompletedCount(h));
        Assert.Equal(0, h.Session.SubscriptionCount);
    }
}
