using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static CloudSignal.Mqtt.Tests.Session.LifecycleAssert;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// Every protocol violation by the server ends the session with the right reason code, reported
/// as a Closed event and never thrown (5.0 §4.13, 3.1.1 §4.8). Under 5.0, once connected, a
/// DISCONNECT carrying the code goes first (5.0 §4.13.1); before CONNACK the connection is just dropped.
/// </summary>
public class ProtocolViolationTests
{
    public static TheoryData<MqttProtocolVersion, byte[]> MalformedBytes => new()
    {
        { MqttProtocolVersion.V500, [0x40, 0x01, 0x00] },             // PUBACK cut short inside its packet identifier
        { MqttProtocolVersion.V311, [0x40, 0x01, 0x00] },
        { MqttProtocolVersion.V500, [0x60, 0x02, 0x00, 0x01] },       // PUBREL with reserved flags 0000 [MQTT-3.6.1-1]
        { MqttProtocolVersion.V311, [0x60, 0x02, 0x00, 0x01] },
        { MqttProtocolVersion.V500, [0x00, 0x00] },                   // packet type 0 is reserved
        { MqttProtocolVersion.V311, [0xD0, 0x01, 0x00] },             // PINGRESP with a body
        { MqttProtocolVersion.V500, [0x36, 0x04, 0x00, 0x01, 0x74, 0x00] }, // PUBLISH QoS 3 [MQTT-3.3.1-4]
        { MqttProtocolVersion.V500, [0x50, 0x04, 0x00, 0x01, 0x07, 0x00] }, // PUBREC reason code 0x07 is not in Table 3-5
    };

    [Theory] // 5.0 §4.13 / 3.1.1 §4.8: malformed bytes → 0x81
    [MemberData(nameof(MalformedBytes))]
    public void MalformedBytes_Connected_ClosedWithMalformedPacket(MqttProtocolVersion version, byte[] bytes)
    {
        SessionHarness h = Connected(version);

        Assert.Null(Record.Exception(() => h.ReceiveBytes(bytes)));

        h.AssertViolationDisconnect(MqttReasonCode.MalformedPacket);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.MalformedPacket);
    }

    [Theory] // 5.0 [MQTT-3.2.0-1] / 3.1.1 [MQTT-3.2.0-1]: the server's first packet is CONNACK
    [InlineData(MqttProtocolVersion.V311, (byte)PacketType.Publish)]
    [InlineData(MqttProtocolVersion.V311, (byte)PacketType.PubAck)]
    [InlineData(MqttProtocolVersion.V311, (byte)PacketType.SubAck)]
    [InlineData(MqttProtocolVersion.V311, (byte)PacketType.PingResp)]
    [InlineData(MqttProtocolVersion.V500, (byte)PacketType.Publish)]
    [InlineData(MqttProtocolVersion.V500, (byte)PacketType.PubRel)]
    [InlineData(MqttProtocolVersion.V500, (byte)PacketType.UnsubAck)]
    [InlineData(MqttProtocolVersion.V500, (byte)PacketType.PingResp)]
    public void PacketBeforeConnAck_Connecting_ClosedWithProtocolError(MqttProtocolVersion version, byte type)
    {
        SessionHarness h = Harness(version);
        h.Session.Connect();
        Assert.IsType<ConnectPacket>(Assert.Single(h.Sent()));

        h.ReceiveBytes(Encode(ServerPacket((PacketType)type), version));

        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(h.Sent()); // before CONNACK the connection is just dropped
        Assert.Empty(h.Messages);
        Assert.Empty(h.EventsOf(SessionEventKind.Connected));
    }

    [Theory] // 5.0 §3.1, §3.8, §3.10, §3.12 / 3.1.1 same: packets only a client sends are a Protocol Error from a server
    [InlineData(MqttProtocolVersion.V311, (byte)PacketType.Connect)]
    [InlineData(MqttProtocolVersion.V311, (byte)PacketType.Subscribe)]
    [InlineData(MqttProtocolVersion.V311, (byte)PacketType.Unsubscribe)]
    [InlineData(MqttProtocolVersion.V311, (byte)PacketType.PingReq)]
    [InlineData(MqttProtocolVersion.V500, (byte)PacketType.Connect)]
    [InlineData(MqttProtocolVersion.V500, (byte)PacketType.Subscribe)]
    [InlineData(MqttProtocolVersion.V500, (byte)PacketType.Unsubscribe)]
    [InlineData(MqttProtocolVersion.V500, (byte)PacketType.PingReq)]
    public void ClientOnlyPacket_FromServer_ClosedWithProtocolError(MqttProtocolVersion version, byte type)
    {
        SessionHarness h = Connected(version);

        h.ReceiveBytes(Encode(ClientPacket((PacketType)type, version), version));

        h.AssertViolationDisconnect(MqttReasonCode.ProtocolError);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
    }

    [Fact] // 3.1.1 §3.14: DISCONNECT goes client → server only
    public void ServerDisconnect_V311_ClosedWithProtocolError()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V311);

        h.ReceiveBytes([0xE0, 0x00]);

        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(h.Sent());
    }

    [Theory] // 5.0 [MQTT-3.1.2-25] (the server must not send more) / 3.1.1 local limit: 0x95
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void PacketAboveOurMaximumPacketSize_Connected_ClosedWithPacketTooLarge(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, new SessionOptions { MaximumPacketSize = 64 });

        // 2 + (3 + 0|1 + payload): 64 bytes exactly passes, one more does not.
        int fits = version == MqttProtocolVersion.V500 ? 58 : 59;
        h.Receive(new PublishPacket { TopicName = "t", Payload = new byte[fits] });
        Assert.Single(h.Messages);

        h.Receive(new PublishPacket { TopicName = "t", Payload = new byte[fits + 1] });

        h.AssertViolationDisconnect(MqttReasonCode.PacketTooLarge);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.PacketTooLarge);
        Assert.Single(h.Messages);
    }

    [Theory] // [MQTT-3.8.4-2] (both levels): a SUBACK carries the identifier of the SUBSCRIBE it acknowledges
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void SubAckForUnknownIdentifier_Connected_ClosedWithProtocolError(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Session.Subscribe(new SubscribePacket { Subscriptions = new Subscription[] { new("a") } });
        ushort id = h.SentOne<SubscribePacket>().PacketIdentifier;

        h.Receive(new SubAckPacket { PacketIdentifier = (ushort)(id + 1), ReasonCodes = new[] { MqttReasonCode.GrantedQoS0 } });

        h.AssertViolationDisconnect(MqttReasonCode.ProtocolError);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(h.EventsOf(SessionEventKind.SubscribeCompleted));
    }

    [Fact] // an UNSUBACK cannot answer a SUBSCRIBE, even with its identifier
    public void UnsubAckForSubscribeIdentifier_Connected_ClosedWithProtocolError()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        h.Session.Subscribe(new SubscribePacket { Subscriptions = new Subscription[] { new("a") } });
        ushort id = h.SentOne<SubscribePacket>().PacketIdentifier;

        h.Receive(new UnsubAckPacket { PacketIdentifier = id, ReasonCodes = new[] { MqttReasonCode.Success } });

        h.AssertViolationDisconnect(MqttReasonCode.ProtocolError);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
    }

    [Theory] // 5.0 [MQTT-3.8.4-6] / 3.1.1 [MQTT-3.8.4-5]: one SUBACK code per topic filter
    [InlineData(MqttProtocolVersion.V311, 1)]
    [InlineData(MqttProtocolVersion.V311, 3)]
    [InlineData(MqttProtocolVersion.V500, 1)]
    [InlineData(MqttProtocolVersion.V500, 3)]
    public void SubAckCodeCountMismatch_Connected_ClosedWithProtocolError(MqttProtocolVersion version, int codes)
    {
        SessionHarness h = Connected(version);
        h.Session.Subscribe(new SubscribePacket { Subscriptions = new Subscription[] { new("a"), new("b") } });
        ushort id = h.SentOne<SubscribePacket>().PacketIdentifier;

        h.Receive(new SubAckPacket { PacketIdentifier = id, ReasonCodes = Enumerable.Repeat(MqttReasonCode.GrantedQoS0, codes).ToArray() });

        h.AssertViolationDisconnect(MqttReasonCode.ProtocolError);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(h.EventsOf(SessionEventKind.SubscribeCompleted));
    }

    [Theory] // after a violation the rest of the buffer is not processed and nothing but the DISCONNECT goes out
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void BytesAfterViolation_SameBuffer_Ignored(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Session.Subscribe(new SubscribePacket { Subscriptions = new Subscription[] { new("a") } });
        ushort id = h.SentOne<SubscribePacket>().PacketIdentifier;

        byte[] publish = Encode(new PublishPacket { TopicName = "t", Qos = MqttQos.AtLeastOnce, PacketIdentifier = 5, Payload = new byte[] { 1 } }, version);
        byte[] subAck = Encode(new SubAckPacket { PacketIdentifier = id, ReasonCodes = new[] { MqttReasonCode.GrantedQoS0 } }, version);
        h.ReceiveBytes([0xC0, 0x00, .. publish, .. subAck, 0xC0, 0x00]); // PINGREQ, then more

        h.AssertViolationDisconnect(MqttReasonCode.ProtocolError);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(h.Messages);
        Assert.Empty(h.EventsOf(SessionEventKind.SubscribeCompleted));
    }

    [Theory] // once closed, the session is deaf: later bytes change nothing
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void BytesAfterClose_LaterBuffers_Ignored(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.ReceiveBytes([0x40, 0x01, 0x00]);
        h.AssertViolationDisconnect(MqttReasonCode.MalformedPacket);
        int events = h.Events.Count;

        h.Receive(new PublishPacket { TopicName = "t", Qos = MqttQos.AtLeastOnce, PacketIdentifier = 5, Payload = new byte[] { 1 } });
        h.ReceiveBytes([0x40, 0x01, 0x00]);
        h.ReceiveBytes([0xC0, 0x00]);

        Assert.Empty(h.Sent());
        Assert.Empty(h.Messages);
        Assert.Equal(events, h.Events.Count);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.MalformedPacket);
    }

    [Fact] // 5.0: the DISCONNECT is written first, exactly E0 01 82, and the Closed event follows the write
    public void Violation_V500Connected_DisconnectBytesThenClosedEvent()
    {
        var session = new MqttSession(new SessionOptions(), new FakeTimeProvider());
        session.Connect();
        var output = new ArrayBufferWriter<byte>();
        session.PollTransmit(output);
        var input = new ReadOnlySequence<byte>(new byte[] { 0x20, 0x03, 0x00, 0x00, 0x00, 0xC0, 0x00 }); // CONNACK, then PINGREQ
        session.HandleReceived(ref input);
        Assert.True(session.TryPollEvent(out SessionEvent connected));
        Assert.Equal(SessionEventKind.Connected, connected.Kind);

        Assert.Equal(SessionState.Disconnecting, session.State);
        Assert.False(session.TryPollEvent(out _));
        output.Clear();
        Assert.Equal(3, session.PollTransmit(output));
        Assert.Equal(new byte[] { 0xE0, 0x01, 0x82 }, output.WrittenSpan.ToArray());

        Assert.Equal(SessionState.Disconnected, session.State);
        Assert.True(session.TryPollEvent(out SessionEvent closed));
        Assert.Equal(SessionEventKind.Closed, closed.Kind);
        Assert.Equal(CloseReason.ProtocolViolation, Assert.IsType<CloseInfo>(closed.Detail).Reason);
        Assert.Equal(0, session.PollTransmit(output));
    }

    [Theory] // robustness: arbitrary bytes never escape HandleReceived as an exception
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void ArbitraryBytes_Connected_NeverThrow(MqttProtocolVersion version)
    {
        var random = new Random(3);
        for (int i = 0; i < 300; i++)
        {
            SessionHarness h = Connected(version);
            byte[] bytes = new byte[random.Next(1, 40)];
            random.NextBytes(bytes);

            Assert.Null(Record.Exception(() => h.ReceiveBytes(bytes)));
            Assert.True(h.Session.State is SessionState.Connected or SessionState.Disconnected);
            if (h.Session.State == SessionState.Disconnected)
            {
                CloseInfo info = Assert.IsType<CloseInfo>(Assert.Single(h.EventsOf(SessionEventKind.Closed)).Detail);
                Assert.True(info.Reason is CloseReason.ProtocolViolation or CloseReason.ServerDisconnect, info.Message);
            }
        }
    }

    private static byte[] Encode(IMqttPacket packet, MqttProtocolVersion version) => Codec.Encode(packet, version);

    private static IMqttPacket ServerPacket(PacketType type) => type switch
    {
        PacketType.Publish => new PublishPacket { TopicName = "t", Payload = new byte[] { 1 } },
        PacketType.PubAck => new PubAckPacket(1),
        PacketType.PubRel => new PubRelPacket(1),
        PacketType.SubAck => new SubAckPacket { PacketIdentifier = 1, ReasonCodes = new[] { MqttReasonCode.GrantedQoS0 } },
        PacketType.UnsubAck => new UnsubAckPacket { PacketIdentifier = 1, ReasonCodes = new[] { MqttReasonCode.Success } },
        PacketType.PingResp => default(PingRespPacket),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static IMqttPacket ClientPacket(PacketType type, MqttProtocolVersion version) => type switch
    {
        PacketType.Connect => new ConnectPacket { ProtocolVersion = version, CleanStart = true, ClientId = "x" },
        PacketType.Subscribe => new SubscribePacket { PacketIdentifier = 1, Subscriptions = new Subscription[] { new("a") } },
        PacketType.Unsubscribe => new UnsubscribePacket { PacketIdentifier = 1, TopicFilters = new MqttString[] { "a" } },
        PacketType.PingReq => default(PingReqPacket),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
