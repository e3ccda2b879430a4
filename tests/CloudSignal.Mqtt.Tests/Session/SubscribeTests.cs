using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>SUBSCRIBE → SUBACK and UNSUBSCRIBE → UNSUBACK (5.0 §3.8–3.11, 3.1.1 §3.8–3.11).</summary>
public class SubscribeTests
{
    private static SubscribePacket Subscribe(params string[] filters) => new()
    {
        Subscriptions = filters.Select((f, i) => new Subscription(f, new SubscriptionOptionFlags { MaximumQos = (MqttQos)(i % 3) })).ToArray(),
    };

    private static UnsubscribePacket Unsubscribe(params string[] filters) => new()
    {
        TopicFilters = filters.Select(f => (MqttString)f).ToArray(),
    };

    private static SubAckPacket SubAck(ushort id, params MqttReasonCode[] codes) => new() { PacketIdentifier = id, ReasonCodes = codes };

    private static UnsubAckPacket UnsubAck(ushort id, params MqttReasonCode[] codes) => new() { PacketIdentifier = id, ReasonCodes = codes };

    private static MqttReasonCode[] Codes(SessionEvent e) => Assert.IsType<MqttReasonCode[]>(e.Detail);

    [Theory] // [MQTT-2.2.1-3] [MQTT-3.8.4-1] (5.0) / [MQTT-2.3.1-1] (3.1.1): an identifier is assigned; SUBACK completes it
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Subscribe_SubAck_CompletesWithPerFilterCodes(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        SubscribePacket request = Subscribe("a/+", "b/#", "c");
        long token = h.Session.Subscribe(request);
        Assert.Equal(request with { PacketIdentifier = 1 }, h.SentOne<SubscribePacket>());
        Assert.Empty(h.EventsOf(SessionEventKind.SubscribeCompleted));

        // [MQTT-3.9.3-1]: one code per filter, in order; 0x80 refuses the second filter only.
        h.Receive(SubAck(1, MqttReasonCode.GrantedQoS0, MqttReasonCode.UnspecifiedError, MqttReasonCode.GrantedQoS2));
        SessionEvent done = Assert.Single(h.EventsOf(SessionEventKind.SubscribeCompleted));
        Assert.Equal(token, done.Token);
        Assert.Equal([MqttReasonCode.GrantedQoS0, MqttReasonCode.UnspecifiedError, MqttReasonCode.GrantedQoS2], Codes(done));
        Assert.Equal(MqttReasonCode.UnspecifiedError, done.ReasonCode); // the first failure sums up the request
        Assert.Empty(h.Sent());
    }

    [Fact] // 5.0 §3.9.2.1: the SUBACK's Reason String is reported
    public void Subscribe_V5SubAckAllGranted_SuccessWithReasonString()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        long token = h.Session.Subscribe(Subscribe("x", "y"));
        h.Sent();
        h.Receive(SubAck(1, MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS0) with { Properties = new AckProperties { ReasonString = "ok" } });

        SessionEvent done = Assert.Single(h.EventsOf(SessionEventKind.SubscribeCompleted));
        Assert.Equal(token, done.Token);
        Assert.True(done.IsSuccess);
        Assert.Equal("ok", done.ReasonString);
        Assert.Equal([MqttReasonCode.GrantedQoS1, MqttReasonCode.GrantedQoS0], Codes(done));
    }

    [Fact] // [MQTT-3.11.3-1] (5.0): UNSUBACK has a code per filter; 0x11 No subscription existed is not a failure
    public void Unsubscribe_V5UnsubAck_CompletesWithPerFilterCodes()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        UnsubscribePacket request = Unsubscribe("a", "b", "c");
        long token = h.Session.Unsubscribe(request);
        Assert.Equal(request with { PacketIdentifier = 1 }, h.SentOne<UnsubscribePacket>());

        h.Receive(UnsubAck(1, MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted, MqttReasonCode.NotAuthorized));
        SessionEvent done = Assert.Single(h.EventsOf(SessionEventKind.UnsubscribeCompleted));
        Assert.Equal(token, done.Token);
        Assert.Equal([MqttReasonCode.Success, MqttReasonCode.NoSubscriptionExisted, MqttReasonCode.NotAuthorized], Codes(done));
        Assert.Equal(MqttReasonCode.NotAuthorized, done.ReasonCode);
    }

    [Fact] // 3.1.1 §3.11: UNSUBACK carries no codes; it acknowledges every filter
    public void Unsubscribe_V311UnsubAck_SuccessForEveryFilter()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V311);
        long token = h.Session.Unsubscribe(Unsubscribe("a", "b/#"));
        Assert.Equal(1, h.SentOne<UnsubscribePacket>().PacketIdentifier);

        h.Receive(new UnsubAckPacket { PacketIdentifier = 1 });
        SessionEvent done = Assert.Single(h.EventsOf(SessionEventKind.UnsubscribeCompleted));
        Assert.Equal(token, done.Token);
        Assert.Equal([MqttReasonCode.Success, MqttReasonCode.Success], Codes(done));
        Assert.True(done.IsSuccess);
    }

    [Theory] // several requests in flight: each ack completes its own request, in whatever order they come
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void ManyRequests_AcksOutOfOrder_EachCompletesItsOwn(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        long s1 = h.Session.Subscribe(Subscribe("one"));
        long u2 = h.Session.Unsubscribe(Unsubscribe("two"));
        long s3 = h.Session.Subscribe(Subscribe("three"));
        Assert.Equal([1, 2, 3], h.Sent().Select(p => p switch
        {
            SubscribePacket s => (int)s.PacketIdentifier,
            UnsubscribePacket u => u.PacketIdentifier,
            _ => -1,
        }));

        h.Receive(SubAck(3, MqttReasonCode.GrantedQoS0));
        h.Receive(version == MqttProtocolVersion.V500 ? UnsubAck(2, MqttReasonCode.Success) : new UnsubAckPacket { PacketIdentifier = 2 });
        h.Receive(SubAck(1, MqttReasonCode.GrantedQoS0));

        Assert.Equal([s3, s1], h.EventsOf(SessionEventKind.SubscribeCompleted).Select(e => e.Token));
        Assert.Equal([u2], h.EventsOf(SessionEventKind.UnsubscribeCompleted).Select(e => e.Token));
        Assert.Equal(SessionState.Connected, h.Session.State);
    }

    [Theory] // a request unacknowledged when the connection drops is sent again after the reconnect, completed once
    [InlineData(MqttProtocolVersion.V311, false)]
    [InlineData(MqttProtocolVersion.V500, false)]
    [InlineData(MqttProtocolVersion.V311, true)]
    [InlineData(MqttProtocolVersion.V500, true)]
    public void UnacknowledgedAtConnectionLoss_Reconnect_SentAgain(MqttProtocolVersion version, bool sessionPresent)
    {
        SessionHarness h = Connected(version, new SessionOptions { ClientId = "c", CleanStart = false });
        SubscribePacket sub = Subscribe("a/b", "c/#");
        UnsubscribePacket unsub = Unsubscribe("old");
        long ts = h.Session.Subscribe(sub);
        long tu = h.Session.Unsubscribe(unsub);
        Assert.Equal(2, h.Sent().Count);

        h.Reconnect(new ConnAckPacket { SessionPresent = sessionPresent });
        List<IMqttPacket> again = h.Sent();
        Assert.Equal(2, again.Count);
        SubscribePacket sub2 = Assert.IsType<SubscribePacket>(again[0]);
        UnsubscribePacket unsub2 = Assert.IsType<UnsubscribePacket>(again[1]);
        Assert.Equal(sub with { PacketIdentifier = sub2.PacketIdentifier }, sub2);
        Assert.Equal(unsub with { PacketIdentifier = unsub2.PacketIdentifier }, unsub2);
        Assert.NotEqual(sub2.PacketIdentifier, unsub2.PacketIdentifier);
        Assert.Empty(h.EventsOf(SessionEventKind.SubscribeCompleted));

        h.Receive(SubAck(sub2.PacketIdentifier, MqttReasonCode.GrantedQoS0, MqttReasonCode.GrantedQoS1));
        h.Receive(version == MqttProtocolVersion.V500
            ? UnsubAck(unsub2.PacketIdentifier, MqttReasonCode.Success)
            : new UnsubAckPacket { PacketIdentifier = unsub2.PacketIdentifier });
        Assert.Equal(ts, Assert.Single(h.EventsOf(SessionEventKind.SubscribeCompleted)).Token);
        Assert.Equal(tu, Assert.Single(h.EventsOf(SessionEventKind.UnsubscribeCompleted)).Token);
    }

    [Fact] // a request made while disconnected waits for the connection; a resumed session's resends go first
    public void SubscribeWhileDisconnected_Reconnect_SentAfterPublishResends()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { ClientId = "c", CleanStart = false });
        OutboundMessage m = Message("a", MqttQos.AtLeastOnce, 1);
        h.Session.Publish(m);
        h.Sent();
        h.LoseConnection();

        h.Session.Subscribe(Subscribe("late"));
        Assert.Empty(h.Sent());
        h.Reconnect(new ConnAckPacket { SessionPresent = true });

        List<IMqttPacket> sent = h.Sent();
        Assert.Equal(Expected(m, 1, dup: true), sent[0]);
        Assert.Equal(Subscribe("late") with { PacketIdentifier = 2 }, sent[1]);
    }

    [Theory] // [MQTT-3.9.3-1] broken: a SUBACK whose code count differs from the filter count → Protocol Error
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void SubAckWithWrongCodeCount_ProtocolViolation(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        long token = h.Session.Subscribe(Subscribe("a", "b"));
        h.Sent();
        h.Receive(SubAck(1, MqttReasonCode.GrantedQoS0));

        Assert.Equal(SessionState.Disconnected, h.Session.State);
        CloseInfo closed = h.ClosedInfo();
        Assert.Equal(CloseReason.ProtocolViolation, closed.Reason);
        Assert.Equal(MqttReasonCode.ProtocolError, closed.ReasonCode);
        Assert.Empty(h.EventsOf(SessionEventKind.SubscribeCompleted));
        IMqttPacket[] expected = version == MqttProtocolVersion.V500 ? [new DisconnectPacket(MqttReasonCode.ProtocolError)] : [];
        Assert.Equal(expected, h.Sent());

        // The request is kept and sent again on the next connection.
        h.Reconnect(new ConnAckPacket());
        Assert.Equal(Subscribe("a", "b") with { PacketIdentifier = 2 }, h.SentOne<SubscribePacket>());
        h.Receive(SubAck(2, MqttReasonCode.GrantedQoS0, MqttReasonCode.GrantedQoS1));
        Assert.Equal(token, Assert.Single(h.EventsOf(SessionEventKind.SubscribeCompleted)).Token);
    }

    [Fact] // [MQTT-2.2.1-6]: a SUBACK must carry the identifier of a SUBSCRIBE we sent
    public void SubAckForUnknownId_V5_Disconnect0x82()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        h.Receive(SubAck(9, MqttReasonCode.GrantedQoS0));
        Assert.Equal(new DisconnectPacket(MqttReasonCode.ProtocolError), h.SentOne<DisconnectPacket>());
        Assert.Equal(MqttReasonCode.ProtocolError, h.ClosedInfo().ReasonCode);
    }

    [Fact] // an UNSUBACK answering a SUBSCRIBE's identifier is the wrong acknowledgement → Protocol Error
    public void UnsubAckForSubscribeId_V5_Disconnect0x82()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        h.Session.Subscribe(Subscribe("a"));
        h.Sent();
        h.Receive(UnsubAck(1, MqttReasonCode.Success));
        Assert.Equal(new DisconnectPacket(MqttReasonCode.ProtocolError), h.SentOne<DisconnectPacket>());
        Assert.Empty(h.EventsOf(SessionEventKind.SubscribeCompleted));
    }

    [Fact] // 5.0 §3.2.2.3.12: a SUBSCRIBE queued before the CONNACK said "no wildcards" fails locally, the next one goes
    public void QueuedBeforeConnAck_WildcardUnavailable_FailsLocallyWithA2()
    {
        var h = new SessionHarness(new SessionOptions());
        long wild = h.Session.Subscribe(Subscribe("a/+", "b"));
        long plain = h.Session.Subscribe(Subscribe("c"));
        h.Connect(new ConnAckPacket { Properties = new ConnAckProperties { WildcardSubscriptionAvailable = false } });

        Assert.Equal(Subscribe("c") with { PacketIdentifier = 1 }, h.SentOne<SubscribePacket>());
        SessionEvent failed = Assert.Single(h.EventsOf(SessionEventKind.SubscribeCompleted));
        Assert.Equal(wild, failed.Token);
        Assert.Equal(MqttReasonCode.WildcardSubscriptionsNotSupported, failed.ReasonCode);
        Assert.Equal([MqttReasonCode.WildcardSubscriptionsNotSupported, MqttReasonCode.WildcardSubscriptionsNotSupported], Codes(failed));

        h.Receive(SubAck(1, MqttReasonCode.GrantedQoS0));
        Assert.Equal(plain, h.EventsOf(SessionEventKind.SubscribeCompleted)[^1].Token);
    }

    [Fact] // once connected, the same request fails at the call with a typed error
    public void Connected_WildcardUnavailable_SubscribeThrows()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, connAck: new ConnAckPacket { Properties = new ConnAckProperties { WildcardSubscriptionAvailable = false } });
        MqttCapabilityException ex = Assert.Throws<MqttCapabilityException>(() => h.Session.Subscribe(Subscribe("a/#")));
        Assert.Equal(MqttReasonCode.WildcardSubscriptionsNotSupported, ex.ReasonCode);
        Assert.Empty(h.Sent());
    }
}
