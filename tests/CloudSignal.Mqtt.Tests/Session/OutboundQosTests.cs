using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>Outbound QoS 0/1/2 flows (5.0 §4.3, 3.1.1 §4.3): exact packets out, exact completions.</summary>
public class OutboundQosTests
{
    [Theory] // 5.0 §4.3.1 / 3.1.1 §4.3.1: QoS 0 is done once written
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos0_Published_CompletesWhenWritten(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        OutboundMessage m = Message("a/b", MqttQos.AtMostOnce, 1, 2, 3);

        long token = h.Session.Publish(m);
        Assert.Empty(h.Completions()); // nothing written yet: not complete

        Assert.Equal(Expected(m, id: 0), h.SentOne<PublishPacket>());
        SessionEvent done = h.CompletionOf(token);
        Assert.Equal(MqttReasonCode.Success, done.ReasonCode);
        Assert.Equal(0, h.Session.InflightCount);
    }

    [Theory] // [MQTT-4.3.2-1] [MQTT-4.3.2-2] [MQTT-4.3.2-3] (5.0); [MQTT-4.3.2-1] (3.1.1)
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos1_PubAck_CompletesWithSuccess(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        OutboundMessage m = Message("a/b", MqttQos.AtLeastOnce, 7);

        long token = h.Session.Publish(m);
        Assert.Equal(Expected(m, id: 1), h.SentOne<PublishPacket>());
        Assert.Empty(h.Completions()); // unacknowledged until PUBACK
        Assert.Equal(1, h.Session.InflightCount);

        h.Receive(new PubAckPacket(1));
        Assert.Empty(h.Sent());
        SessionEvent done = h.CompletionOf(token);
        Assert.Equal(MqttReasonCode.Success, done.ReasonCode);
        Assert.Null(done.ReasonString);
        Assert.Equal(0, h.Session.InflightCount);
    }

    [Theory] // [MQTT-4.3.3-1] … [MQTT-4.3.3-5] (5.0); [MQTT-4.3.3-1] (3.1.1)
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos2_PubRecThenPubComp_SendsPubRelAndCompletes(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        OutboundMessage m = Message("a/b", MqttQos.ExactlyOnce, 9);

        long token = h.Session.Publish(m);
        Assert.Equal(Expected(m, id: 1), h.SentOne<PublishPacket>());

        h.Receive(new PubRecPacket(1));
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>());
        Assert.Empty(h.Completions()); // PUBREL unacknowledged until PUBCOMP

        h.Receive(new PubCompPacket(1));
        Assert.Empty(h.Sent());
        Assert.Equal(MqttReasonCode.Success, h.CompletionOf(token).ReasonCode);
        Assert.Equal(0, h.Session.InflightCount);
    }

    [Fact] // 5.0 §3.4.2.1: a PUBACK reason code ≥ 0x80 is a failure; [MQTT-4.4.0-2] the PUBLISH is acknowledged
    public void Qos1_PubAckFailure_CompletesFailedWithCodeAndReasonString()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        long token = h.Session.Publish(Message("a/b", MqttQos.AtLeastOnce, 1));
        h.Sent();

        h.Receive(new PubAckPacket(1, MqttReasonCode.NotAuthorized, new AckProperties { ReasonString = "no publish to a/b" }));
        Assert.Empty(h.Sent());
        SessionEvent done = h.CompletionOf(token);
        Assert.Equal(MqttReasonCode.NotAuthorized, done.ReasonCode);
        Assert.False(done.IsSuccess);
        Assert.Equal("no publish to a/b", done.ReasonString);
        Assert.Equal(0, h.Session.InflightCount);
    }

    [Fact] // [MQTT-4.3.3-4]: PUBREL only after a PUBREC below 0x80; [MQTT-4.4.0-2]
    public void Qos2_PubRecFailure_CompletesFailedAndSendsNoPubRel()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        long token = h.Session.Publish(Message("a/b", MqttQos.ExactlyOnce, 1));
        h.Sent();

        h.Receive(new PubRecPacket(1, MqttReasonCode.QuotaExceeded, new AckProperties { ReasonString = "quota" }));
        Assert.Empty(h.Sent());
        SessionEvent done = h.CompletionOf(token);
        Assert.Equal(MqttReasonCode.QuotaExceeded, done.ReasonCode);
        Assert.Equal("quota", done.ReasonString);
        Assert.Equal(0, h.Session.InflightCount);
    }

    [Fact] // 5.0 §3.4.2.1: 0x10 No matching subscribers is a success code
    public void Qos1_PubAckNoMatchingSubscribers_CompletesAsSuccess()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        long token = h.Session.Publish(Message("a/b", MqttQos.AtLeastOnce, 1));
        h.Sent();

        h.Receive(new PubAckPacket(1, MqttReasonCode.NoMatchingSubscribers));
        SessionEvent done = h.CompletionOf(token);
        Assert.Equal(MqttReasonCode.NoMatchingSubscribers, done.ReasonCode);
        Assert.True(done.IsSuccess);
    }

    [Theory] // a late or duplicate acknowledgement of a finished flow changes nothing
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void DuplicateAcks_AfterCompletion_ChangeNothing(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        long q1 = h.Session.Publish(Message("a", MqttQos.AtLeastOnce, 1));
        long q2 = h.Session.Publish(Message("b", MqttQos.ExactlyOnce, 2));
        h.Sent();
        h.Receive(new PubAckPacket(1));
        h.Receive(new PubRecPacket(2));
        h.Receive(new PubCompPacket(2));
        Assert.Single(h.Sent()); // the PUBREL
        Assert.Equal(2, h.Completions().Count);

        h.Receive(new PubAckPacket(1));
        h.Receive(new PubCompPacket(2));
        h.Receive(new PubAckPacket(2)); // wrong kind of ack for a QoS 2 identifier: ignored too

        Assert.Empty(h.Sent());
        Assert.Equal(2, h.Completions().Count);
        Assert.Single(h.Completions(), e => e.Token == q1);
        Assert.Single(h.Completions(), e => e.Token == q2);
        Assert.Equal(SessionState.Connected, h.Session.State);
        Assert.Empty(h.EventsOf(SessionEventKind.Closed));
    }

    [Theory] // acks of the wrong kind for a live flow change nothing either
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void WrongAckKind_LiveFlows_ChangeNothing(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        long q2 = h.Session.Publish(Message("b", MqttQos.ExactlyOnce, 2));
        h.Sent();

        h.Receive(new PubAckPacket(1));  // PUBACK for a QoS 2 flow awaiting PUBREC
        h.Receive(new PubCompPacket(1)); // PUBCOMP before PUBREC
        Assert.Empty(h.Sent());
        Assert.Empty(h.Completions());
        Assert.Equal(1, h.Session.InflightCount);

        h.Receive(new PubRecPacket(1));
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>());
        h.Receive(new PubAckPacket(1));  // PUBACK for a flow awaiting PUBCOMP
        Assert.Empty(h.Sent());
        Assert.Empty(h.Completions());

        h.Receive(new PubCompPacket(1));
        Assert.Equal(MqttReasonCode.Success, h.CompletionOf(q2).ReasonCode);
    }

    [Fact] // a repeated PUBREC (the server lost our PUBREL) is answered with PUBREL again; the flow stays open
    public void DuplicatePubRec_AwaitingPubComp_PubRelRepeatedFlowUnchanged()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        long token = h.Session.Publish(Message("a", MqttQos.ExactlyOnce, 1));
        h.Sent();
        h.Receive(new PubRecPacket(1));
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>());

        h.Receive(new PubRecPacket(1));
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>());

        // Even a failure code cannot undo a flow already past PUBREC (the server owns the message).
        h.Receive(new PubRecPacket(1, MqttReasonCode.UnspecifiedError));
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>());
        Assert.Empty(h.Completions());

        h.Receive(new PubCompPacket(1));
        Assert.Equal(MqttReasonCode.Success, h.CompletionOf(token).ReasonCode);
    }

    [Fact] // 5.0 §3.6.2.1: PUBREL 0x92 Packet Identifier not found answers a PUBREC we hold no flow for
    public void PubRecUnknownId_V5_PubRel0x92()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        h.Receive(new PubRecPacket(42));
        Assert.Equal(new PubRelPacket(42, MqttReasonCode.PacketIdentifierNotFound), h.SentOne<PubRelPacket>());
        Assert.Empty(h.Completions());
        Assert.Equal(SessionState.Connected, h.Session.State);
    }

    [Fact] // 3.1.1 has no reason code: a plain PUBREL closes the server's flow
    public void PubRecUnknownId_V311_PlainPubRel()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V311);
        h.Receive(new PubRecPacket(42));
        Assert.Equal(new PubRelPacket(42), h.SentOne<PubRelPacket>());
        Assert.Equal(SessionState.Connected, h.Session.State);
    }

    [Fact] // a PUBREC for a QoS 1 identifier is not ours to release: 0x92, and the QoS 1 flow goes on
    public void PubRecForQos1Flow_V5_PubRel0x92AndFlowUnchanged()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        long token = h.Session.Publish(Message("a", MqttQos.AtLeastOnce, 1));
        h.Sent();

        h.Receive(new PubRecPacket(1));
        Assert.Equal(new PubRelPacket(1, MqttReasonCode.PacketIdentifierNotFound), h.SentOne<PubRelPacket>());
        Assert.Empty(h.Completions());

        h.Receive(new PubAckPacket(1));
        Assert.Equal(MqttReasonCode.Success, h.CompletionOf(token).ReasonCode);
    }

    [Theory] // [MQTT-4.6.0-1]-style ordering: several flows complete independently, each exactly once
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void InterleavedFlows_AcksOutOfOrder_EachCompletesOnce(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        long a = h.Session.Publish(Message("a", MqttQos.AtLeastOnce, 1));
        long b = h.Session.Publish(Message("b", MqttQos.ExactlyOnce, 2));
        long c = h.Session.Publish(Message("c", MqttQos.AtMostOnce, 3));
        long d = h.Session.Publish(Message("d", MqttQos.AtLeastOnce, 4));
        Assert.Equal(
            [Expected(Message("a", MqttQos.AtLeastOnce, 1), 1), Expected(Message("b", MqttQos.ExactlyOnce, 2), 2),
             Expected(Message("c", MqttQos.AtMostOnce, 3), 0), Expected(Message("d", MqttQos.AtLeastOnce, 4), 3)],
            h.Sent().Cast<PublishPacket>());
        Assert.Equal([c], h.Completions().Select(e => e.Token));

        h.Receive(new PubAckPacket(3));
        h.Receive(new PubRecPacket(2));
        h.Receive(new PubAckPacket(1));
        h.Receive(new PubCompPacket(2));
        Assert.Equal(new PubRelPacket(2), h.SentOne<PubRelPacket>());
        Assert.Equal([c, d, a, b], h.Completions().Select(e => e.Token));
        Assert.All(h.Completions(), e => Assert.Equal(MqttReasonCode.Success, e.ReasonCode));
    }
}
