using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.LifecycleAssert;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>CONNACK handling (5.0 §3.2, 3.1.1 §3.2): acceptance, refusal, timeout, and a CONNACK too many.</summary>
public class ConnAckTests
{
    [Theory] // 5.0 §3.2.2.1.1 / 3.1.1 §3.2.2.2: Session Present is reported
    [InlineData(MqttProtocolVersion.V311, false)]
    [InlineData(MqttProtocolVersion.V311, true)]
    [InlineData(MqttProtocolVersion.V500, false)]
    [InlineData(MqttProtocolVersion.V500, true)]
    public void ConnAckAccepted_SessionPresent_ReportedInConnectedEvent(MqttProtocolVersion version, bool sessionPresent)
    {
        SessionHarness h = Harness(version, new SessionOptions { ClientId = "c", CleanStart = false });
        h.Connect(new ConnAckPacket { SessionPresent = sessionPresent });

        ConnectedInfo info = h.AssertConnected();
        Assert.Equal(sessionPresent, info.SessionPresent);
        Assert.Null(info.AssignedClientIdentifier);
        Assert.Empty(h.EventsOf(SessionEventKind.Closed));
    }

    [Theory] // 3.1.1 §3.2.2.3 Table 3.1: each refusal, with its 5.0 equivalent as the reason code (Table 3-1)
    [InlineData(ConnectReturnCode.UnacceptableProtocolVersion, MqttReasonCode.UnsupportedProtocolVersion)]
    [InlineData(ConnectReturnCode.IdentifierRejected, MqttReasonCode.ClientIdentifierNotValid)]
    [InlineData(ConnectReturnCode.ServerUnavailable, MqttReasonCode.ServerUnavailable)]
    [InlineData(ConnectReturnCode.BadUserNameOrPassword, MqttReasonCode.BadUserNameOrPassword)]
    [InlineData(ConnectReturnCode.NotAuthorized, MqttReasonCode.NotAuthorized)]
    public void ConnAckRefused_V311_ClosedConnectionRefusedWithReturnCode(ConnectReturnCode returnCode, MqttReasonCode equivalent)
    {
        SessionHarness h = Harness(MqttProtocolVersion.V311);
        h.Connect(new ConnAckPacket { ReturnCode = returnCode });

        CloseInfo info = h.AssertClosed(CloseReason.ConnectionRefused, equivalent);
        Assert.Equal(returnCode, info.ReturnCode);
        Assert.False(h.EventsOf(SessionEventKind.Closed)[0].IsSuccess);
        Assert.Empty(h.EventsOf(SessionEventKind.Connected));
        Assert.Empty(h.Sent()); // [MQTT-3.2.2-5] (3.1.1): the server closes; we send nothing more
    }

    [Theory] // 5.0 §3.2.2.2 Table 3-1, §3.2.2.3.15 Reason String, §3.2.2.3.16 Server Reference
    [InlineData(MqttReasonCode.UnspecifiedError)]
    [InlineData(MqttReasonCode.UnsupportedProtocolVersion)]
    [InlineData(MqttReasonCode.ClientIdentifierNotValid)]
    [InlineData(MqttReasonCode.BadUserNameOrPassword)]
    [InlineData(MqttReasonCode.Banned)]
    [InlineData(MqttReasonCode.QuotaExceeded)]
    [InlineData(MqttReasonCode.UseAnotherServer)]
    [InlineData(MqttReasonCode.ServerMoved)]
    public void ConnAckRefused_V500_ClosedWithCodeReasonStringAndServerReference(MqttReasonCode code)
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500);
        h.Connect(new ConnAckPacket
        {
            ReasonCode = code,
            Properties = new ConnAckProperties { ReasonString = "go away", ServerReference = "other.example:1883" },
        });

        CloseInfo info = h.AssertClosed(CloseReason.ConnectionRefused, code);
        Assert.Null(info.ReturnCode);
        Assert.Equal("go away", info.ReasonString);
        Assert.Equal("other.example:1883", info.ServerReference);
        Assert.Equal("go away", h.EventsOf(SessionEventKind.Closed)[0].ReasonString);
        Assert.Empty(h.EventsOf(SessionEventKind.Connected));
        Assert.Empty(h.Sent()); // [MQTT-3.2.2-7]: the server closes after a refusal
    }

    [Fact] // 5.0 §3.1.2.2 non-normative: a 3.1.1-only server answers level 5 with return code 1
    public void LegacyRefusalBytes_V500Connect_ReportedAsUnsupportedProtocolVersion()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500);
        h.Session.Connect();
        Assert.IsType<ConnectPacket>(Assert.Single(h.Sent()));

        h.ReceiveBytes([0x20, 0x02, 0x00, 0x01]); // the 3.1.1 CONNACK: no properties, return code 1

        CloseInfo info = h.AssertClosed(CloseReason.ConnectionRefused, MqttReasonCode.UnsupportedProtocolVersion);
        Assert.Equal(ConnectReturnCode.UnacceptableProtocolVersion, info.ReturnCode);
        Assert.Empty(h.Sent());
    }

    [Theory] // no CONNACK within ConnectTimeout: closed exactly at the deadline
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void NoConnAck_ConnectTimeout_ClosedExactlyAtDeadline(MqttProtocolVersion version)
    {
        SessionHarness h = Harness(version, new SessionOptions { ConnectTimeout = TimeSpan.FromSeconds(7), KeepAlive = TimeSpan.FromSeconds(2) });
        h.AdvanceTo(TimeSpan.FromSeconds(1));
        h.Session.Connect();
        Assert.IsType<ConnectPacket>(Assert.Single(h.Sent()));

        h.AdvanceTo(TimeSpan.FromMilliseconds(7_999));
        Assert.Equal(SessionState.Connecting, h.Session.State);
        Assert.Empty(h.Events);

        h.AdvanceTo(TimeSpan.FromSeconds(8));
        h.AssertClosed(CloseReason.ConnectTimeout, MqttReasonCode.UnspecifiedError);
        Assert.Empty(h.Sent()); // no PINGREQ before CONNACK, no DISCONNECT after the timeout
    }

    [Fact] // the CONNACK timer stops at CONNACK: only keep alive remains
    public void ConnAckInTime_ConnectTimeoutPasses_StaysConnected()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { ConnectTimeout = TimeSpan.FromSeconds(5), KeepAlive = TimeSpan.Zero });
        Assert.Null(h.Session.PollTimeout());
        h.AdvanceTo(TimeSpan.FromMinutes(10));
        Assert.Equal(SessionState.Connected, h.Session.State);
        Assert.Empty(h.EventsOf(SessionEventKind.Closed));
    }

    [Theory] // 5.0 [MQTT-3.2.0-2]: the server sends CONNACK once; a second one is a Protocol Error
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void SecondConnAck_Connected_ProtocolViolation(MqttProtocolVersion version)
    {
        SessionHarness h = Connected(version);
        h.Receive(new ConnAckPacket());

        h.AssertViolationDisconnect(MqttReasonCode.ProtocolError);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Single(h.EventsOf(SessionEventKind.Connected));
    }

    [Fact] // 5.0 §3.2.2.3.7: the Assigned Client Identifier becomes ours
    public void AssignedClientIdentifier_ConnAck_KeptAsClientId()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500);
        h.Connect(new ConnAckPacket { Properties = new ConnAckProperties { AssignedClientIdentifier = "auto-7f3a" } });

        Assert.Equal("auto-7f3a", h.Session.ClientId);
        Assert.Equal("auto-7f3a", h.AssertConnected().AssignedClientIdentifier);
    }

    [Fact] // 5.0 §3.2.2.3.7: to resume the session the server assigned, the next CONNECT names it
    public void AssignedClientIdentifier_Reconnect_ConnectCarriesIt()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500, new SessionOptions { CleanStart = false, SessionExpiryInterval = 600 });
        h.Connect(new ConnAckPacket { Properties = new ConnAckProperties { AssignedClientIdentifier = "auto-7f3a" } });
        h.LoseConnection();

        ConnectPacket again = h.Connect(new ConnAckPacket { SessionPresent = true });
        Assert.Equal(new MqttString("auto-7f3a"), again.ClientId);
        Assert.Equal("auto-7f3a", h.Session.ClientId);
        Assert.True(h.EventsOf(SessionEventKind.Connected)[1].Detail is ConnectedInfo { SessionPresent: true });
    }

    [Theory] // a refused session can connect again; nothing of the refusal lingers
    [InlineData(MqttProtocolVersion.V311, (byte)ConnectReturnCode.ServerUnavailable)]
    [InlineData(MqttProtocolVersion.V500, (byte)MqttReasonCode.ServerBusy)]
    public void Refused_ConnectAgain_Accepted(MqttProtocolVersion version, byte code)
    {
        SessionHarness h = Harness(version);
        h.Connect(new ConnAckPacket { ReasonCode = (MqttReasonCode)code });
        Assert.Equal(SessionState.Disconnected, h.Session.State);

        h.Connect();
        h.AssertConnected();
        Assert.Single(h.EventsOf(SessionEventKind.Closed));
    }
}
