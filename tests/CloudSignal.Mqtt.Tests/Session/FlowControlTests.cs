using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>5.0 flow control (§4.9, §3.3.4): the server's Receive Maximum bounds us; ours bounds the server.</summary>
public class FlowControlTests
{
    private static ConnAckPacket WithReceiveMaximum(ushort receiveMaximum, bool sessionPresent = false) =>
        new() { SessionPresent = sessionPresent, Properties = new ConnAckProperties { ReceiveMaximum = receiveMaximum } };

    [Fact] // [MQTT-3.3.4-7] [MQTT-4.9.0-2]: at most Receive Maximum unacknowledged QoS 1/2; the rest wait in order
    public void ReceiveMaximumTwo_FourPublishes_TwoInFlightRestQueuedInOrder()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, connAck: WithReceiveMaximum(2));
        OutboundMessage[] m = [.. Enumerable.Range(1, 4).Select(i => Message($"t/{i}", MqttQos.AtLeastOnce, (byte)i))];
        foreach (OutboundMessage message in m)
        {
            h.Session.Publish(message);
        }

        Assert.Equal(new IMqttPacket[] { Expected(m[0], 1), Expected(m[1], 2) }, h.Sent());
        Assert.Equal(2, h.Session.InflightCount);
        Assert.Equal(2, h.Session.PendingCount);

        h.Receive(new PubAckPacket(2));
        Assert.Equal(Expected(m[2], 3), h.SentOne<PublishPacket>());
        h.Receive(new PubAckPacket(1));
        Assert.Equal(Expected(m[3], 4), h.SentOne<PublishPacket>());
        Assert.Equal(0, h.Session.PendingCount);
    }

    [Fact] // QoS 0 is outside the quota [MQTT-4.9.0-3] but does not overtake publishes queued before it
    public void QuotaFull_Qos0QueuedBehindQos1_KeepsFifoPlace()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, connAck: WithReceiveMaximum(1));
        OutboundMessage a = Message("a", MqttQos.AtLeastOnce, 1);
        OutboundMessage b = Message("b", MqttQos.AtLeastOnce, 2);
        OutboundMessage c = Message("c", MqttQos.AtMostOnce, 3);
        OutboundMessage d = Message("d", MqttQos.ExactlyOnce, 4);
        OutboundMessage e = Message("e", MqttQos.AtMostOnce, 5);
        h.Session.Publish(a);
        long tb = h.Session.Publish(b);
        long tc = h.Session.Publish(c);
        h.Session.Publish(d);
        h.Session.Publish(e);
        Assert.Equal(Expected(a, 1), h.SentOne<PublishPacket>());
        Assert.False(h.IsCompleted(tc)); // c waits behind b

        h.Receive(new PubAckPacket(1));
        Assert.Equal(new IMqttPacket[] { Expected(b, 2), Expected(c, 0) }, h.Sent());
        Assert.True(h.IsCompleted(tc));
        Assert.False(h.IsCompleted(tb));

        h.Receive(new PubAckPacket(2));
        Assert.Equal(new IMqttPacket[] { Expected(d, 3), Expected(e, 0) }, h.Sent());
    }

    [Fact] // [MQTT-4.9.0-3]: with the quota used up and nothing queued, QoS 0 still goes at once
    public void QuotaFull_Qos0WithNothingQueued_SentImmediately()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, connAck: WithReceiveMaximum(1));
        h.Session.Publish(Message("a", MqttQos.ExactlyOnce, 1));
        h.Sent();
        OutboundMessage q0 = Message("z", MqttQos.AtMostOnce, 9);
        long token = h.Session.Publish(q0);
        Assert.Equal(Expected(q0, 0), h.SentOne<PublishPacket>());
        Assert.True(h.IsCompleted(token));
    }

    [Fact] // a QoS 2 flow holds its quota slot until PUBCOMP; a PUBREC ≥ 0x80 frees it ([MQTT-3.3.4-7])
    public void Qos2Quota_HeldUntilPubCompOrFailedPubRec()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, connAck: WithReceiveMaximum(1));
        OutboundMessage a = Message("a", MqttQos.ExactlyOnce, 1);
        OutboundMessage b = Message("b", MqttQos.ExactlyOnce, 2);
        OutboundMessage c = Message("c", MqttQos.AtLeastOnce, 3);
        h.Session.Publish(a);
        h.Session.Publish(b);
        h.Session.Publish(c);
        Assert.Equal(Expected(a, 1), h.SentOne<PublishPacket>());

        h.Receive(new PubRecPacket(1));
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>()); // b still waits
        h.Receive(new PubCompPacket(1));
        Assert.Equal(Expected(b, 2), h.SentOne<PublishPacket>());

        h.Receive(new PubRecPacket(2, MqttReasonCode.ImplementationSpecificError));
        Assert.Equal(Expected(c, 3), h.SentOne<PublishPacket>());
    }

    [Fact] // 3.1.1 has no Receive Maximum: every publish goes out at once
    public void V311_ManyPublishes_AllSentWithoutWaiting()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V311);
        for (int i = 0; i < 200; i++)
        {
            h.Session.Publish(Message("t", (MqttQos)(1 + (i % 2)), (byte)i));
        }

        Assert.Equal(200, h.Sent().Count);
        Assert.Equal(0, h.Session.PendingCount);
    }

    [Fact] // 5.0 §4.9: the send quota starts afresh per connection; resends count against the new Receive Maximum
    public void SessionResumed_LowerReceiveMaximum_ResendsWithinQuotaInOrder()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { ClientId = "c", CleanStart = false }, WithReceiveMaximum(10));
        OutboundMessage a = Message("a", MqttQos.AtLeastOnce, 1);
        OutboundMessage b = Message("b", MqttQos.ExactlyOnce, 2);
        OutboundMessage c = Message("c", MqttQos.AtLeastOnce, 3);
        OutboundMessage d = Message("d", MqttQos.AtLeastOnce, 4);
        h.Session.Publish(a);
        h.Session.Publish(b);
        h.Session.Publish(c);
        h.Sent();
        h.Receive(new PubRecPacket(2));
        h.Sent();

        h.LoseConnection();
        h.Session.Publish(d);
        h.Reconnect(WithReceiveMaximum(1, sessionPresent: true));
        Assert.Equal(Expected(a, 1, dup: true), h.SentOne<PublishPacket>());

        h.Receive(new PubAckPacket(1));
        Assert.Equal(new PubRelPacket(2), h.SentOne<PubRelPacket>());
        h.Receive(new PubCompPacket(2));
        Assert.Equal(Expected(c, 3, dup: true), h.SentOne<PublishPacket>());
        h.Receive(new PubAckPacket(3));
        Assert.Equal(Expected(d, 4), h.SentOne<PublishPacket>());
        Assert.Equal(3, h.Completions().Count);
        Assert.Equal(0, h.Session.PendingCount);
    }

    [Fact] // an ack for a flow not yet resent ends it: it is not resent afterwards, and the quota stays exact
    public void SessionResumed_AckBeforeResend_FlowNotResent()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { ClientId = "c", CleanStart = false }, WithReceiveMaximum(10));
        OutboundMessage a = Message("a", MqttQos.AtLeastOnce, 1);
        OutboundMessage b = Message("b", MqttQos.AtLeastOnce, 2);
        OutboundMessage c = Message("c", MqttQos.ExactlyOnce, 3);
        OutboundMessage d = Message("d", MqttQos.AtLeastOnce, 4);
        h.Session.Publish(a);
        h.Session.Publish(b);
        h.Session.Publish(c);
        h.Sent();

        h.Reconnect(WithReceiveMaximum(1, sessionPresent: true));
        Assert.Equal(Expected(a, 1, dup: true), h.SentOne<PublishPacket>());

        // The server had b and c from the old connection and answers them before we resend.
        h.Receive(new PubAckPacket(2));
        h.Receive(new PubRecPacket(3));
        Assert.Equal(new PubRelPacket(3), h.SentOne<PubRelPacket>());

        h.Session.Publish(d);
        Assert.Empty(h.Sent()); // quota 1: a and c are out
        h.Receive(new PubAckPacket(1));
        Assert.Empty(h.Sent()); // c (awaiting PUBCOMP) still holds the slot
        h.Receive(new PubCompPacket(3));
        Assert.Equal(Expected(d, 4), h.SentOne<PublishPacket>());
        Assert.Equal(3, h.Completions().Count);
    }

    [Fact] // [MQTT-3.3.4-9] broken by the server: more QoS 2 awaiting PUBREL than our Receive Maximum → 0x93
    public void ServerExceedsOurReceiveMaximum_Enforced_Disconnect0x93()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { ReceiveMaximum = 2 });
        h.Receive(Inbound("x", MqttQos.ExactlyOnce, 1, payload: [1]));
        h.Receive(Inbound("x", MqttQos.ExactlyOnce, 2, payload: [2]));
        h.Receive(Inbound("x", MqttQos.ExactlyOnce, 1, dup: true, payload: [1])); // a duplicate is not a new message
        Assert.Equal(new IMqttPacket[] { new PubRecPacket(1), new PubRecPacket(2), new PubRecPacket(1) }, h.Sent());

        h.Receive(Inbound("x", MqttQos.ExactlyOnce, 3, payload: [3]));
        Assert.Equal(new DisconnectPacket(MqttReasonCode.ReceiveMaximumExceeded), h.SentOne<DisconnectPacket>());
        Assert.Equal(SessionState.Disconnected, h.Session.State);
        CloseInfo closed = h.ClosedInfo();
        Assert.Equal(CloseReason.ProtocolViolation, closed.Reason);
        Assert.Equal(MqttReasonCode.ReceiveMaximumExceeded, closed.ReasonCode);
        Assert.Equal(2, h.Messages.Count); // the third is not delivered
    }

    [Fact] // once a PUBREL frees a slot, the next QoS 2 message fits again
    public void ServerAtOurReceiveMaximum_AfterPubRel_NextQos2Accepted()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { ReceiveMaximum = 1 });
        h.Receive(Inbound("x", MqttQos.ExactlyOnce, 1, payload: [1]));
        h.Receive(new PubRelPacket(1));
        h.Receive(Inbound("x", MqttQos.ExactlyOnce, 2, payload: [2]));
        h.Receive(Inbound("x", MqttQos.AtLeastOnce, 3, payload: [3])); // QoS 1 is acknowledged at once
        Assert.Equal(
            new IMqttPacket[] { new PubRecPacket(1), new PubCompPacket(1), new PubRecPacket(2), new PubAckPacket(3) },
            h.Sent());
        Assert.Equal(SessionState.Connected, h.Session.State);
    }

    [Fact] // EnforceReceiveMaximum = false tolerates brokers known to overshoot
    public void ServerExceedsOurReceiveMaximum_NotEnforced_Tolerated()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { ReceiveMaximum = 1, EnforceReceiveMaximum = false });
        for (ushort id = 1; id <= 3; id++)
        {
            h.Receive(Inbound("x", MqttQos.ExactlyOnce, id, payload: [(byte)id]));
        }

        Assert.Equal(new IMqttPacket[] { new PubRecPacket(1), new PubRecPacket(2), new PubRecPacket(3) }, h.Sent());
        Assert.Equal(3, h.Messages.Count);
        Assert.Equal(3, h.Session.InboundAwaitingReleaseCount);
        Assert.Equal(SessionState.Connected, h.Session.State);
    }

    [Fact] // Receive Maximum is 5.0 only: a 3.1.1 session never polices the server's QoS 2 backlog
    public void V311_ManyQos2AwaitingPubRel_NoDisconnect()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V311, new SessionOptions { ReceiveMaximum = 1 });
        for (ushort id = 1; id <= 3; id++)
        {
            h.Receive(Inbound("x", MqttQos.ExactlyOnce, id, payload: [(byte)id]));
        }

        Assert.Equal(new IMqttPacket[] { new PubRecPacket(1), new PubRecPacket(2), new PubRecPacket(3) }, h.Sent());
        Assert.Equal(SessionState.Connected, h.Session.State);
    }
}
