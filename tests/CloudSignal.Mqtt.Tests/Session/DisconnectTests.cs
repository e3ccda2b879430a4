using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.LifecycleAssert;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>DISCONNECT both ways (5.0 §3.14, 3.1.1 §3.14): ours carries the reason code; the server's is reported.</summary>
public class DisconnectTests
{
    [Theory] // 5.0 §3.14.2.1: our DISCONNECT carries the code; then the session is closed [MQTT-3.14.4-1]
    [InlineData(MqttReasonCode.NormalDisconnection)]
    [InlineData(MqttReasonCode.DisconnectWithWillMessage)]
    [InlineData(MqttReasonCode.UnspecifiedError)]
    [InlineData(MqttReasonCode.MessageRateTooHigh)]
    public void Disconnect_V500_SendsDisconnectWithCodeThenClosed(MqttReasonCode code)
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);

        h.Session.Disconnect(code);

        Assert.Equal(new DisconnectPacket(code), h.SentOne<DisconnectPacket>());
        h.AssertClosed(CloseReason.LocalDisconnect, code);
    }

    [Fact] // 3.1.1 §3.14: DISCONNECT is E0 00, nothing else
    public void Disconnect_V311_SendsE000ThenClosed()
    {
        var session = new MqttSession(new SessionOptions { ProtocolVersion = MqttProtocolVersion.V311 }, new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        session.Connect();
        var output = new ArrayBufferWriter<byte>();
        session.PollTransmit(output);
        var connAck = new ReadOnlySequence<byte>(new byte[] { 0x20, 0x02, 0x00, 0x00 });
        session.HandleReceived(ref connAck);
        Assert.Equal(SessionState.Connected, session.State);
        output.Clear();

        session.Disconnect();
        Assert.Equal(SessionState.Disconnecting, session.State);
        Assert.Equal(2, session.PollTransmit(output));

        Assert.Equal(new byte[] { 0xE0, 0x00 }, output.WrittenSpan.ToArray());
        Assert.Equal(SessionState.Disconnected, session.State);
        Assert.Equal(0, session.PollTransmit(output));
    }

    [Fact] // [MQTT-3.14.2-1]: only Table 3-10 codes; a wrong one is refused at the call, the connection stays
    public void DisconnectWithCodeNotForDisconnect_V500_ThrowsAndStaysConnected()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);

        var ex = Assert.Throws<MqttProtocolException>(() => h.Session.Disconnect(MqttReasonCode.GrantedQoS1));
        Assert.Equal(MqttReasonCode.ProtocolError, ex.ReasonCode);
        Assert.Equal(SessionState.Connected, h.Session.State);
        Assert.Empty(h.Sent());

        h.Session.Disconnect();
        Assert.Equal(new DisconnectPacket(), h.SentOne<DisconnectPacket>());
    }

    [Fact] // [MQTT-3.14.4-1]: nothing after our DISCONNECT; bytes arriving before it is written are ignored
    public void InboundPublish_AfterDisconnectBeforeFlush_IgnoredAndNothingAfterDisconnect()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);

        h.Session.Disconnect();
        h.Receive(new PublishPacket { TopicName = "t", Qos = MqttQos.AtLeastOnce, PacketIdentifier = 9, Payload = new byte[] { 1 } });

        Assert.Equal(new DisconnectPacket(), h.SentOne<DisconnectPacket>());
        Assert.Empty(h.Messages);
        h.AssertClosed(CloseReason.LocalDisconnect, MqttReasonCode.NormalDisconnection);
    }

    [Theory] // a session that disconnected keeps no timer: no PINGREQ, no CONNACK timeout
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Disconnected_TimePasses_NothingSent(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version, new SessionOptions { KeepAlive = TimeSpan.FromSeconds(5) });
        h.Session.Disconnect();
        Assert.IsType<DisconnectPacket>(Assert.Single(h.Sent()));

        h.AdvanceTo(TimeSpan.FromMinutes(5));
        Assert.Empty(h.Sent());
        Assert.Single(h.EventsOf(SessionEventKind.Closed));

        h.Session.Disconnect(); // a second call is a no-op
        Assert.Empty(h.Sent());
        Assert.Single(h.EventsOf(SessionEventKind.Closed));
    }

    [Theory] // a client may send DISCONNECT right after CONNECT, before CONNACK (5.0 §3.1.4)
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Disconnect_WhileConnecting_SentAndNoConnectTimeoutLater(MqttProtocolVersion version)
    {
        SessionHarness h = Harness(version, new SessionOptions { ConnectTimeout = TimeSpan.FromSeconds(3) });
        h.Session.Connect();
        Assert.IsType<ConnectPacket>(Assert.Single(h.Sent()));

        h.Session.Disconnect();
        Assert.IsType<DisconnectPacket>(Assert.Single(h.Sent()));
        h.AdvanceTo(TimeSpan.FromSeconds(10));
        h.AssertClosed(CloseReason.LocalDisconnect, MqttReasonCode.NormalDisconnection);
    }

    [Fact] // 5.0 §3.14.2.1, §3.14.2.2.3 Reason String, §3.14.2.2.4 Server Reference: all reported, nothing sent back
    public void ServerDisconnect_V500_ReportedWithCodeReasonStringAndServerReference()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);

        h.Receive(new DisconnectPacket(MqttReasonCode.ServerMoved, new DisconnectProperties
        {
            ReasonString = "maintenance",
            ServerReference = "mqtt2.example:8883",
        }));

        CloseInfo info = h.AssertClosed(CloseReason.ServerDisconnect, MqttReasonCode.ServerMoved);
        Assert.Equal("maintenance", info.ReasonString);
        Assert.Equal("mqtt2.example:8883", info.ServerReference);
        Assert.Empty(h.Sent()); // [MQTT-3.14.4-1] applies to the server's DISCONNECT too: the connection is over
    }

    [Theory] // 5.0 §3.14: codes the server may send, reported as they came
    [InlineData(MqttReasonCode.NormalDisconnection)]
    [InlineData(MqttReasonCode.ServerShuttingDown)]
    [InlineData(MqttReasonCode.SessionTakenOver)]
    [InlineData(MqttReasonCode.KeepAliveTimeout)]
    public void ServerDisconnect_V500_CodeReported(MqttReasonCode code)
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);
        h.Receive(new DisconnectPacket(code));
        h.AssertClosed(CloseReason.ServerDisconnect, code);
    }

    [Fact] // [MQTT-3.14.0-1]: the server must not send DISCONNECT before a successful CONNACK
    public void ServerDisconnect_BeforeConnAck_ProtocolViolation()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500);
        h.Session.Connect();
        Assert.IsType<ConnectPacket>(Assert.Single(h.Sent()));

        h.Receive(new DisconnectPacket(MqttReasonCode.ServerBusy));

        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(h.Sent());
    }

    [Fact] // [MQTT-3.14.2-2]: a server DISCONNECT never carries a Session Expiry Interval
    public void ServerDisconnectWithSessionExpiry_V500_ProtocolViolationReasonStringKept()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500);

        h.Receive(new DisconnectPacket(MqttReasonCode.ServerShuttingDown, new DisconnectProperties { SessionExpiryInterval = 0, ReasonString = "bye" }));

        CloseInfo info = h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Equal("bye", info.ReasonString);
        Assert.Empty(h.Sent()); // the server already ended the connection
    }

    [Fact] // while our DISCONNECT waits to be written there is no timer to act on, so a driver has nothing to spin on
    public void DisconnectBeforeConnAck_NotYetWritten_NoDeadline()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var session = new MqttSession(new SessionOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }, time);
        session.Connect();
        var output = new ArrayBufferWriter<byte>();
        session.PollTransmit(output);
        Assert.Equal(time.GetTimestamp() + (5 * time.TimestampFrequency), session.PollTimeout());

        session.Disconnect();
        Assert.Equal(SessionState.Disconnecting, session.State);
        Assert.Null(session.PollTimeout());

        time.Advance(TimeSpan.FromSeconds(6));
        session.HandleTimeout();
        Assert.Equal(SessionState.Disconnecting, session.State);
        Assert.False(session.TryPollEvent(out _));

        output.Clear();
        session.PollTransmit(output);
        Assert.Equal(new byte[] { 0xE0, 0x00 }, output.WrittenSpan.ToArray());
        Assert.True(session.TryPollEvent(out SessionEvent closed));
        Assert.Equal(CloseReason.LocalDisconnect, Assert.IsType<CloseInfo>(closed.Detail).Reason);
    }

    [Fact] // 3.1.1 §3.1.2.5, [MQTT-3.1.2-10]: DISCONNECT deletes the will, so "with will" closes without one
    public void DisconnectWithWillMessage_V311_ClosedWithoutDisconnectPacket()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V311, new SessionOptions
        {
            Will = new ConnectWill { Topic = "status", Payload = new byte[] { 0 } },
        });

        h.Session.Disconnect(MqttReasonCode.DisconnectWithWillMessage);

        Assert.Empty(h.Sent());
        h.AssertClosed(CloseReason.LocalDisconnect, MqttReasonCode.DisconnectWithWillMessage);
    }

    [Theory] // 3.1.1 sends no code, but a code no DISCONNECT may carry is still refused at the call
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void DisconnectWithNonDisconnectCode_BothLevels_Throws(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        Assert.Throws<MqttProtocolException>(() => h.Session.Disconnect(MqttReasonCode.NoMatchingSubscribers));
        Assert.Equal(SessionState.Connected, h.Session.State);
        Assert.Empty(h.Sent());
    }
}
