using CloudSignal.Mqtt.Fuzz;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;

namespace CloudSignal.Mqtt.Tests.Fuzz;

/// <summary>
/// Found by the fuzz smoke run (session target, FlowLedger oracle), now fixed: an acknowledgement
/// was matched against a request whose packet the session has queued but not yet written. When one
/// receive brings an ack that frees room (or the CONNACK) and, behind it, an ack for the identifier
/// the session then hands to a waiting request, that request completes as acknowledged: a QoS 1/2
/// publish is reported delivered and its PUBLISH is never written (Write skips a flow no longer in
/// flight); a subscribe is reported granted and its SUBSCRIBE goes out after its completion.
/// An acknowledgement corresponds to a packet that was sent: 5.0 §4.3.2 [MQTT-4.3.2-3], §4.3.3
/// [MQTT-4.3.3-3], §3.8.4 ([MQTT-4.3.2-1] in 3.1.1). The session now ignores a PUBACK, answers a
/// PUBREC as for an unknown identifier, and treats a SUBACK/UNSUBACK as a protocol error, when
/// the packet they would acknowledge has not been written.
/// </summary>
public class AckBeforeWriteFindingTests
{
    [Fact] // the smoke run's input, as saved (fuzz/findings/smoke/session-6f261394fbd0)
    public void SmokeFinding_SessionTarget_NoOracleViolation()
    {
        // 5.0, 74-byte segments, flags 0x47 (Receive Maximum 2, topic aliases, 4 s per segment):
        // SUBACK 1, SUBACK 2, UNSUBACK 3, PUBACK 4, PUBREC 5, then PUBACK 6 for the publish that
        // PUBACK 4 let out, in the same segment, before its PUBLISH was written.
        byte[] input = Convert.FromHexString(
            "934790050001000200900400020001B00400030000400200045002000540020006700200055002000770020007");

        Exception? violation = Record.Exception(() => SessionTarget.Run(input));

        Assert.Null(violation);
    }

    [Theory] // [MQTT-4.3.2-3] / [MQTT-4.3.3-3] (5.0); [MQTT-4.3.2-1] / [MQTT-4.3.3-1] (3.1.1)
    [InlineData(MqttProtocolVersion.V311, MqttQos.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V311, MqttQos.ExactlyOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQos.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQos.ExactlyOnce)]
    public void AckInTheConnAckRead_PublishQueuedBeforeConnAck_NotCompletedAndWritten(MqttProtocolVersion version, MqttQos qos)
    {
        var h = new SessionHarness(new SessionOptions { ProtocolVersion = version });
        h.Session.Connect();
        h.SentOne<ConnectPacket>();
        long token = h.Session.Publish(Message("a/b", qos, 1)); // waits for CONNACK
        Assert.Empty(h.Sent());

        // One read: CONNACK (which gives the publish identifier 1 and queues it) and acks for 1.
        IMqttPacket[] acks = qos == MqttQos.AtLeastOnce ? [new PubAckPacket(1)] : [new PubRecPacket(1), new PubCompPacket(1)];
        h.ReceiveBytes([.. Codec.Encode(new ConnAckPacket(), version), .. acks.SelectMany(a => Codec.Encode(a, version))]);

        Assert.False(h.IsCompleted(token), "the publish completed on acknowledgements that came before its PUBLISH was written");
        Assert.Single(h.Log, p => p.Packet is PublishPacket { PacketIdentifier: 1 });
    }

    [Theory] // a SUBACK / UNSUBACK answers a SUBSCRIBE / UNSUBSCRIBE sent (5.0 §3.9, §3.11)
    [InlineData(MqttProtocolVersion.V311, true)]
    [InlineData(MqttProtocolVersion.V500, true)]
    [InlineData(MqttProtocolVersion.V311, false)]
    [InlineData(MqttProtocolVersion.V500, false)]
    public void AckInTheConnAckRead_RequestQueuedBeforeConnAck_NotCompleted(MqttProtocolVersion version, bool subscribe)
    {
        var h = new SessionHarness(new SessionOptions { ProtocolVersion = version });
        h.Session.Connect();
        h.SentOne<ConnectPacket>();
        if (subscribe)
        {
            h.Session.Subscribe(new SubscribePacket { Subscriptions = new[] { new Subscription("a/+") } });
        }
        else
        {
            h.Session.Unsubscribe(new UnsubscribePacket { TopicFilters = new MqttString[] { "a/+" } });
        }

        IMqttPacket ack = subscribe
            ? new SubAckPacket { PacketIdentifier = 1, ReasonCodes = new[] { MqttReasonCode.GrantedQoS0 } }
            : new UnsubAckPacket { PacketIdentifier = 1, ReasonCodes = version == MqttProtocolVersion.V500 ? new[] { MqttReasonCode.Success } : [] };
        h.ReceiveBytes([.. Codec.Encode(new ConnAckPacket(), version), .. Codec.Encode(ack, version)]);

        Assert.Empty(h.EventsOf(subscribe ? SessionEventKind.SubscribeCompleted : SessionEventKind.UnsubscribeCompleted));
    }
}
