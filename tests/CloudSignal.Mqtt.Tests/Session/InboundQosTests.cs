using System.Text;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>Inbound QoS 0/1/2 (5.0 §4.3, method A of §4.3.3; 3.1.1 §4.3): delivery and acknowledgements.</summary>
public class InboundQosTests
{
    [Theory] // 5.0 §4.3.1: QoS 0 is delivered and not acknowledged
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos0_Received_DeliveredNoAck(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Receive(Inbound("s/1", MqttQos.AtMostOnce, 0, payload: [5]));

        ReceivedMessage m = Assert.Single(h.Messages);
        Assert.Equal("s/1", m.Topic);
        Assert.Equal(new byte[] { 5 }, m.Payload);
        Assert.Equal(MqttQos.AtMostOnce, m.Qos);
        Assert.Empty(h.Sent());
    }

    [Theory] // [MQTT-4.3.2-4] (5.0) / [MQTT-4.3.2-2] (3.1.1): PUBACK with the PUBLISH's identifier
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos1_Received_DeliveredThenPubAck(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Receive(Inbound("s/1", MqttQos.AtLeastOnce, 300, payload: [1]));

        Assert.Single(h.Messages);
        Assert.Equal(new PubAckPacket(300), h.SentOne<PubAckPacket>());
    }

    [Theory] // [MQTT-4.3.2-5] (5.0): after PUBACK the same identifier is a new message; QoS 1 may duplicate
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos1_SameIdAgain_DeliveredAgainAndAcked(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Receive(Inbound("s/1", MqttQos.AtLeastOnce, 7, payload: [1]));
        h.Receive(Inbound("s/1", MqttQos.AtLeastOnce, 7, dup: true, payload: [1]));

        Assert.Equal(2, h.Messages.Count);
        Assert.True(h.Messages[1].Dup);
        Assert.Equal([new PubAckPacket(7), new PubAckPacket(7)], h.Sent().Cast<PubAckPacket>());
    }

    [Theory] // [MQTT-4.3.3-8] [MQTT-4.3.3-10] [MQTT-4.3.3-11] [MQTT-4.3.3-12] (5.0); 3.1.1 §4.3.3 method B figure
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos2_DuplicateBeforePubRel_DeliveredOnceAndPubRecEachTime(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Receive(Inbound("s/2", MqttQos.ExactlyOnce, 9, payload: [1]));
        Assert.Single(h.Messages);
        Assert.Equal(new PubRecPacket(9), h.SentOne<PubRecPacket>());
        Assert.Equal(1, h.Session.InboundAwaitingReleaseCount);

        // The server did not see our PUBREC and sends the PUBLISH again with DUP = 1.
        h.Receive(Inbound("s/2", MqttQos.ExactlyOnce, 9, dup: true, payload: [1]));
        Assert.Single(h.Messages);
        Assert.Equal(new PubRecPacket(9), h.SentOne<PubRecPacket>());

        h.Receive(new PubRelPacket(9));
        Assert.Equal(new PubCompPacket(9), h.SentOne<PubCompPacket>());
        Assert.Equal(0, h.Session.InboundAwaitingReleaseCount);

        // [MQTT-4.3.3-12]: after PUBCOMP the identifier starts a new message.
        h.Receive(Inbound("s/2", MqttQos.ExactlyOnce, 9, payload: [2]));
        Assert.Equal(2, h.Messages.Count);
        Assert.Equal(new byte[] { 2 }, h.Messages[1].Payload);
        Assert.Equal(new PubRecPacket(9), h.SentOne<PubRecPacket>());
    }

    [Theory] // the identifier is kept until PUBREL: a second identifier is independent
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos2_TwoIds_EachKeptUntilItsOwnPubRel(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Receive(Inbound("x", MqttQos.ExactlyOnce, 1, payload: [1]));
        h.Receive(Inbound("y", MqttQos.ExactlyOnce, 2, payload: [2]));
        h.Receive(new PubRelPacket(2));
        Assert.Equal(1, h.Session.InboundAwaitingReleaseCount);

        h.Receive(Inbound("x", MqttQos.ExactlyOnce, 1, dup: true, payload: [1]));
        h.Receive(new PubRelPacket(1));
        Assert.Equal(
            new IMqttPacket[] { new PubRecPacket(1), new PubRecPacket(2), new PubCompPacket(2), new PubRecPacket(1), new PubCompPacket(1) },
            h.Sent());
        Assert.Equal(["x", "y"], h.Messages.Select(m => m.Topic));
    }

    [Fact] // 5.0 §3.7.2.1: PUBCOMP 0x92 for a PUBREL whose identifier we do not hold
    public void PubRelUnknownId_V5_PubComp0x92()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        h.Receive(new PubRelPacket(77));
        Assert.Equal(new PubCompPacket(77, MqttReasonCode.PacketIdentifierNotFound), h.SentOne<PubCompPacket>());
        Assert.Equal(SessionState.Connected, h.Session.State);
    }

    [Fact] // 3.1.1 §3.7: PUBCOMP carries no code; a plain one ends the server's flow
    public void PubRelUnknownId_V311_PlainPubComp()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V311);
        h.Receive(new PubRelPacket(77));
        Assert.Equal(new PubCompPacket(77), h.SentOne<PubCompPacket>());
        Assert.Equal(SessionState.Connected, h.Session.State);
    }

    [Fact] // a repeated PUBREL (our PUBCOMP was lost) after completion: 0x92, nothing delivered
    public void RepeatedPubRel_AfterPubComp_V5_PubComp0x92()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        h.Receive(Inbound("s", MqttQos.ExactlyOnce, 3, payload: [1]));
        h.Receive(new PubRelPacket(3));
        h.Receive(new PubRelPacket(3));
        Assert.Equal(
            new IMqttPacket[] { new PubRecPacket(3), new PubCompPacket(3), new PubCompPacket(3, MqttReasonCode.PacketIdentifierNotFound) },
            h.Sent());
        Assert.Single(h.Messages);
    }

    [Fact] // 5.0 §3.3.2.3, §3.3.3: topic, payload and user properties arrive byte for byte, in order
    public void Message_V5WithProperties_DeliveredByteExact()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        byte[] payload = [0x00, 0xFF, 0x80, 0x0A, 0x0D, 0x7F, 0xC0];
        const string topic = "capteurs/température/€/1";
        h.Receive(new PublishPacket
        {
            Qos = MqttQos.AtLeastOnce,
            Retain = true,
            TopicName = topic,
            PacketIdentifier = 5,
            Payload = payload,
            Properties = new PublishPacketProperties
            {
                UserProperties = new UserProperty[] { new("k", "v1"), new("k", "v2"), new("ü", "") },
            },
        });

        ReceivedMessage m = Assert.Single(h.Messages);
        Assert.Equal(topic, m.Topic);
        Assert.Equal(payload, m.Payload);
        Assert.True(m.Retain);
        Assert.Equal(MqttQos.AtLeastOnce, m.Qos);
        Assert.Equal(["k=v1", "k=v2", "ü="], m.UserProperties);
        Assert.Equal(new PubAckPacket(5), h.SentOne<PubAckPacket>());
    }

    [Fact] // 3.1.1 §3.3.3: the payload is opaque bytes; an empty payload is allowed
    public void Message_V311EmptyAndBinaryPayloads_DeliveredByteExact()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V311);
        byte[] big = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31)).ToArray();
        h.Receive(Inbound("a", MqttQos.AtMostOnce, 0));
        h.Receive(Inbound("b/ß", MqttQos.ExactlyOnce, 65_535, payload: big));

        Assert.Equal(2, h.Messages.Count);
        Assert.Empty(h.Messages[0].Payload);
        Assert.Equal("b/ß", h.Messages[1].Topic);
        Assert.Equal(Encoding.UTF8.GetBytes("b/ß"), Encoding.UTF8.GetBytes(h.Messages[1].Topic));
        Assert.Equal(big, h.Messages[1].Payload);
        Assert.Equal(new PubRecPacket(65_535), h.SentOne<PubRecPacket>());
    }

    [Fact] // several packets in one read are handled in order, each answered in order [MQTT-4.6.0-2] [MQTT-4.6.0-3]
    public void PacketsInOneRead_MixedQos_AnsweredInOrder()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        byte[] bytes =
        [
            .. Codec.Encode(Inbound("a", MqttQos.AtLeastOnce, 1, payload: [1]), h.Version),
            .. Codec.Encode(Inbound("b", MqttQos.ExactlyOnce, 2, payload: [2]), h.Version),
            .. Codec.Encode(Inbound("c", MqttQos.AtMostOnce, 0, payload: [3]), h.Version),
            .. Codec.Encode(Inbound("d", MqttQos.AtLeastOnce, 3, payload: [4]), h.Version),
        ];
        h.ReceiveBytes(bytes);

        Assert.Equal(["a", "b", "c", "d"], h.Messages.Select(m => m.Topic));
        Assert.Equal(new IMqttPacket[] { new PubAckPacket(1), new PubRecPacket(2), new PubAckPacket(3) }, h.Sent());
    }
}
