using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// What survives a lost connection (5.0 §4.4, §4.6; 3.1.1 §4.4, §4.6): with session present,
/// resend in original order before new traffic; without, nothing is lost either.
/// </summary>
public class SessionResumeTests
{
    private static readonly SessionOptions KeepSession = new() { ClientId = "dev-1", CleanStart = false, SessionExpiryInterval = 300 };
    private static readonly ConnAckPacket Resumed = new() { SessionPresent = true };
    private static readonly ConnAckPacket Fresh = new() { SessionPresent = false };

    [Theory] // [MQTT-4.4.0-1] [MQTT-4.6.0-1] [MQTT-3.3.1-1] (5.0); [MQTT-4.4.0-1] [MQTT-4.6.0-1] [MQTT-2.3.1-2] (3.1.1)
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void SessionPresent_UnacknowledgedFlows_ResentWithDupSameIdsInOrderBeforeNewTraffic(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        OutboundMessage a = Message("a", MqttQos.AtLeastOnce, 1);
        OutboundMessage b = Message("b", MqttQos.ExactlyOnce, 2);
        OutboundMessage c = Message("c", MqttQos.ExactlyOnce, 3);
        OutboundMessage d = Message("d", MqttQos.AtLeastOnce, 4);
        OutboundMessage e = Message("e", MqttQos.AtLeastOnce, 5);
        long[] tokens = [h.Session.Publish(a), h.Session.Publish(b), h.Session.Publish(c), h.Session.Publish(d)];
        Assert.Equal(4, h.Sent().Count);
        h.Receive(new PubRecPacket(3));
        Assert.Equal(new PubRelPacket(3), h.SentOne<PubRelPacket>());

        h.LoseConnection();
        long te = h.Session.Publish(e); // issued while disconnected: goes after the resends
        Assert.Empty(h.Sent());
        h.Reconnect(Resumed);

        Assert.Equal(
            new IMqttPacket[]
            {
                Expected(a, 1, dup: true), Expected(b, 2, dup: true), new PubRelPacket(3), Expected(d, 4, dup: true),
                Expected(e, 5),
            },
            h.Sent());

        h.Receive(new PubAckPacket(1));
        h.Receive(new PubRecPacket(2));
        h.Receive(new PubCompPacket(3));
        h.Receive(new PubAckPacket(4));
        h.Receive(new PubAckPacket(5));
        h.Receive(new PubCompPacket(2));
        Assert.Equal(new PubRelPacket(2), h.SentOne<PubRelPacket>());
        Assert.Equal([tokens[0], tokens[2], tokens[3], te, tokens[1]], h.Completions().Select(x => x.Token));
        Assert.All(h.Completions(), x => Assert.Equal(MqttReasonCode.Success, x.ReasonCode));
    }

    [Theory] // [MQTT-3.3.1-1]: DUP only marks a PUBLISH sent before; one never written goes with DUP = 0
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void SessionPresent_PublishNeverWritten_ResentWithoutDup(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        OutboundMessage written = Message("w", MqttQos.AtLeastOnce, 1);
        OutboundMessage unwritten = Message("u", MqttQos.ExactlyOnce, 2);
        OutboundMessage qos0 = Message("z", MqttQos.AtMostOnce, 3);
        h.Session.Publish(written);
        Assert.Single(h.Sent());
        h.Session.Publish(unwritten);
        long t0 = h.Session.Publish(qos0);

        h.Session.HandleConnectionLost(); // before the driver polled the transmit queue
        h.Flush();
        Assert.Empty(h.Sent());
        Assert.False(h.IsCompleted(t0)); // a QoS 0 publish is done only once written
        h.Reconnect(Resumed);

        Assert.Equal(
            new IMqttPacket[] { Expected(written, 1, dup: true), Expected(unwritten, 2), Expected(qos0, 0) },
            h.Sent());
        Assert.True(h.IsCompleted(t0));
    }

    [Theory] // no session on the server: flows past PUBREC are done; the rest go again as new, in order, first
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void NoSessionPresent_Flows_PastPubRecCompleteRestSentAsNewInOrder(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        OutboundMessage a = Message("a", MqttQos.AtLeastOnce, 1);
        OutboundMessage b = Message("b", MqttQos.ExactlyOnce, 2);
        OutboundMessage c = Message("c", MqttQos.ExactlyOnce, 3);
        OutboundMessage d = Message("d", MqttQos.AtLeastOnce, 4);
        long ta = h.Session.Publish(a);
        long tb = h.Session.Publish(b);
        long tc = h.Session.Publish(c);
        h.Sent();
        h.Receive(new PubRecPacket(2));
        Assert.Equal(new PubRelPacket(2), h.SentOne<PubRelPacket>());

        h.LoseConnection();
        long td = h.Session.Publish(d);
        Assert.Empty(h.Completions());
        h.Reconnect(Fresh);

        // b: the server took it at PUBREC and has forgotten it since; it completes as delivered.
        SessionEvent doneB = Assert.Single(h.Completions());
        Assert.Equal(tb, doneB.Token);
        Assert.Equal(MqttReasonCode.Success, doneB.ReasonCode);

        List<PublishPacket> resent = h.Sent().Cast<PublishPacket>().ToList();
        Assert.Equal(["a", "c", "d"], resent.Select(p => p.TopicName.ToString()));
        Assert.All(resent, p => Assert.False(p.Dup));
        Assert.Equal(3, resent.Select(p => p.PacketIdentifier).Distinct().Count());
        Assert.DoesNotContain((ushort)0, resent.Select(p => p.PacketIdentifier));
        Assert.Equal(Expected(a, resent[0].PacketIdentifier), resent[0]);
        Assert.Equal(Expected(c, resent[1].PacketIdentifier), resent[1]);
        Assert.Equal(Expected(d, resent[2].PacketIdentifier), resent[2]);

        h.Receive(new PubAckPacket(resent[0].PacketIdentifier));
        h.Receive(new PubRecPacket(resent[1].PacketIdentifier));
        h.Receive(new PubCompPacket(resent[1].PacketIdentifier));
        h.Receive(new PubAckPacket(resent[2].PacketIdentifier));
        Assert.Equal([tb, ta, tc, td], h.Completions().Select(x => x.Token));
    }

    [Theory] // nothing lost, and the original order holds across QoS levels, even for packets never written
    [InlineData(MqttProtocolVersion.V311, false)]
    [InlineData(MqttProtocolVersion.V500, false)]
    [InlineData(MqttProtocolVersion.V311, true)]
    [InlineData(MqttProtocolVersion.V500, true)]
    public void ConnectionLostBeforeWrite_MixedQos_AllSentAfterReconnectInPublishOrder(MqttProtocolVersion version, bool sessionPresent)
    {
        SessionHarness h = Connected(version, KeepSession);
        string[] topics = ["q0-a", "q1-b", "q0-c", "q2-d", "q0-e"];
        MqttQos[] levels = [MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.AtMostOnce, MqttQos.ExactlyOnce, MqttQos.AtMostOnce];
        for (int i = 0; i < topics.Length; i++)
        {
            h.Session.Publish(Message(topics[i], levels[i], (byte)i));
        }

        h.Session.HandleConnectionLost(); // nothing was written
        h.Flush();
        Assert.Empty(h.Completions());
        h.Reconnect(new ConnAckPacket { SessionPresent = sessionPresent });

        List<PublishPacket> sent = h.Sent().Cast<PublishPacket>().ToList();
        Assert.Equal(topics, sent.Select(p => p.TopicName.ToString()));
        Assert.All(sent, p => Assert.False(p.Dup));
        Assert.Equal(3, h.Completions().Count); // the three QoS 0, once written
    }

    [Fact] // session present = 0 empties the inbound QoS 2 state: the identifier starts a new message
    public void NoSessionPresent_InboundQos2State_Cleared()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, KeepSession);
        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 9, payload: [1]));
        Assert.Equal(new PubRecPacket(9), h.SentOne<PubRecPacket>());

        h.Reconnect(Fresh);
        Assert.Equal(0, h.Session.InboundAwaitingReleaseCount);
        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 9, payload: [2]));
        Assert.Equal(2, h.Messages.Count);
        Assert.Equal(new byte[] { 2 }, h.Messages[1].Payload);
        Assert.Equal(new PubRecPacket(9), h.SentOne<PubRecPacket>());
    }

    [Theory] // [MQTT-4.3.3-10] across connections: a resumed session still knows the message was delivered
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void SessionPresent_InboundQos2Resent_NotDeliveredAgain(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, KeepSession);
        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 9, payload: [1]));
        h.Sent();

        h.Reconnect(Resumed);
        Assert.Equal(1, h.Session.InboundAwaitingReleaseCount);
        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 9, dup: true, payload: [1]));
        h.Receive(new PubRelPacket(9));

        Assert.Single(h.Messages);
        Assert.Equal(new IMqttPacket[] { new PubRecPacket(9), new PubCompPacket(9) }, h.Sent());
    }

    [Fact] // flows are resent once per reconnect, with DUP each time, whatever the number of drops
    public void TwoDrops_SessionPresentTwice_ResentEachTimeWithDup()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, KeepSession);
        OutboundMessage a = Message("a", MqttQos.AtLeastOnce, 1);
        long token = h.Session.Publish(a);
        h.Sent();

        h.Reconnect(Resumed);
        Assert.Equal(Expected(a, 1, dup: true), h.SentOne<PublishPacket>());
        h.Reconnect(Resumed);
        Assert.Equal(Expected(a, 1, dup: true), h.SentOne<PublishPacket>());

        h.Receive(new PubAckPacket(1));
        Assert.Equal(token, Assert.Single(h.Completions()).Token);
    }

    [Fact] // 5.0 §3.7.2.1: PUBCOMP 0x92 during recovery is not an error; the server owned the message since PUBREC
    public void SessionPresent_ResentPubRelAnsweredWith0x92_CompletesAsSuccess()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, KeepSession);
        long token = h.Session.Publish(Message("a", MqttQos.ExactlyOnce, 1));
        h.Sent();
        h.Receive(new PubRecPacket(1));
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>());

        // The server completed the flow, but its PUBCOMP was lost with the connection.
        h.Reconnect(Resumed);
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>());
        h.Receive(new PubCompPacket(1, MqttReasonCode.PacketIdentifierNotFound));

        SessionEvent done = h.CompletionOf(token);
        Assert.Equal(MqttReasonCode.Success, done.ReasonCode);
        Assert.Equal(0, h.Session.InflightCount);
    }
}
