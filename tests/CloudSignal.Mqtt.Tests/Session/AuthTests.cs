using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.LifecycleAssert;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>5.0 enhanced authentication (§4.12, §3.15): the challenge/response runs through <see cref="IMqttAuthenticator"/>.</summary>
public class AuthTests
{
    private const string Method = "TOKEN-X";

    private static AuthPacket Challenge(byte[] data, string method = Method) =>
        new(MqttReasonCode.ContinueAuthentication, new AuthProperties { AuthenticationMethod = method, AuthenticationData = data });

    private static (SessionHarness H, ScriptedAuthenticator Auth) Connecting(params byte[][] responses)
    {
        var auth = new ScriptedAuthenticator(Method, [0xA1], responses);
        SessionHarness h = Harness(MqttProtocolVersion.V500, new SessionOptions { Authenticator = auth, ConnectTimeout = TimeSpan.FromSeconds(10) });
        h.Session.Connect();
        ConnectPacket connect = h.SentOne<ConnectPacket>();

        // 5.0 §3.1.2.11.9–10: CONNECT names the method and carries the initial data.
        Assert.Equal(new MqttString(Method), connect.Properties.AuthenticationMethod);
        Assert.Equal(new MqttBinary(new byte[] { 0xA1 }), connect.Properties.AuthenticationData);
        return (h, auth);
    }

    [Fact] // §4.12: CONNECT → AUTH 0x18 → AUTH 0x18 → CONNACK 0x00
    public void ServerChallenge_Authenticator_AnswersWithAuthThenConnects()
    {
        (SessionHarness h, ScriptedAuthenticator auth) = Connecting([0xB1, 0xB2]);

        h.Receive(Challenge([0xC1]));

        // [MQTT-4.12.0-3]/[MQTT-4.12.0-5]: our AUTH is 0x18 with the same method and the authenticator's answer.
        var expected = new AuthPacket(MqttReasonCode.ContinueAuthentication, new AuthProperties
        {
            AuthenticationMethod = Method,
            AuthenticationData = new MqttBinary(new byte[] { 0xB1, 0xB2 }),
        });
        Assert.Equal(expected, h.SentOne<AuthPacket>());
        Assert.Equal([new byte[] { 0xC1 }], auth.Challenges);
        Assert.Equal(SessionState.Connecting, h.Session.State);
        Assert.Empty(h.Events);

        h.Receive(new ConnAckPacket { Properties = new ConnAckProperties { AuthenticationMethod = Method, AuthenticationData = new byte[] { 0xD1 } } });
        h.AssertConnected();
        Assert.Empty(h.Sent());
    }

    [Fact] // §4.12: as many rounds as the server asks for, each answered in order
    public void TwoChallenges_Authenticator_EachAnsweredInOrder()
    {
        (SessionHarness h, ScriptedAuthenticator auth) = Connecting([0x01], [0x02]);

        h.Receive(Challenge([0x10]));
        Assert.Equal(new MqttBinary(new byte[] { 0x01 }), h.SentOne<AuthPacket>().Properties.AuthenticationData);
        h.Receive(Challenge([0x20]));
        Assert.Equal(new MqttBinary(new byte[] { 0x02 }), h.SentOne<AuthPacket>().Properties.AuthenticationData);
        h.Receive(new ConnAckPacket { Properties = new ConnAckProperties { AuthenticationMethod = Method } });

        h.AssertConnected();
        Assert.Equal([new byte[] { 0x10 }, new byte[] { 0x20 }], auth.Challenges);
    }

    [Fact] // [MQTT-4.12.0-5]: every AUTH carries the method of CONNECT; another one is a Protocol Error
    public void ChallengeWithOtherMethod_BeforeConnAck_ClosedWithProtocolError()
    {
        (SessionHarness h, ScriptedAuthenticator auth) = Connecting([0x01]);

        h.Receive(Challenge([0x10], method: "OTHER"));

        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(auth.Challenges);
        Assert.Empty(h.Sent()); // before CONNACK the connection is just dropped
    }

    [Fact] // §4.12.1: after CONNACK only the client starts an exchange (re-authentication); this client never does
    public void AuthAfterConnAck_Connected_DisconnectWithProtocolError()
    {
        (SessionHarness h, ScriptedAuthenticator auth) = Connecting([0x01]);
        h.Receive(new ConnAckPacket { Properties = new ConnAckProperties { AuthenticationMethod = Method } });
        h.AssertConnected();

        h.Receive(Challenge([0x10]));

        h.AssertViolationDisconnect(MqttReasonCode.ProtocolError);
        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(auth.Challenges);
    }

    [Fact] // [MQTT-4.12.0-6]: without an Authentication Method in CONNECT the server must not send AUTH
    public void AuthWithoutAuthenticator_BeforeConnAck_ClosedWithProtocolError()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500);
        h.Session.Connect();
        Assert.Null(h.SentOne<ConnectPacket>().Properties.AuthenticationMethod);

        h.Receive(Challenge([0x10]));

        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(h.Sent());
    }

    [Theory] // §4.12: before CONNACK the server either challenges (0x18) or ends with CONNACK; 0x00 and 0x19 are out of place
    [InlineData(MqttReasonCode.Success)]
    [InlineData(MqttReasonCode.ReAuthenticate)]
    public void AuthOtherThanContinue_BeforeConnAck_ClosedWithProtocolError(MqttReasonCode code)
    {
        (SessionHarness h, ScriptedAuthenticator auth) = Connecting([0x01]);

        h.Receive(new AuthPacket(code, new AuthProperties { AuthenticationMethod = Method }));

        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(auth.Challenges);
        Assert.Empty(h.Sent());
    }

    [Fact] // the connect timeout covers the whole exchange, not only the first answer
    public void ChallengeThenSilence_ConnectTimeout_ClosedAtDeadline()
    {
        (SessionHarness h, _) = Connecting([0x01]);
        h.AdvanceTo(TimeSpan.FromSeconds(4));
        h.Receive(Challenge([0x10]));
        Assert.IsType<AuthPacket>(Assert.Single(h.Sent()));

        h.AdvanceTo(TimeSpan.FromMilliseconds(9_999));
        Assert.Equal(SessionState.Connecting, h.Session.State);
        h.AdvanceTo(TimeSpan.FromSeconds(10));
        h.AssertClosed(CloseReason.ConnectTimeout, MqttReasonCode.UnspecifiedError);
    }

    [Fact] // §4.12: the server ends a failed exchange with a CONNACK refusal (0x8C Bad authentication method)
    public void BadAuthenticationMethod_ConnAck_ReportedAsRefusal()
    {
        (SessionHarness h, _) = Connecting([0x01]);
        h.Receive(new ConnAckPacket { ReasonCode = MqttReasonCode.BadAuthenticationMethod, Properties = new ConnAckProperties { ReasonString = "unknown method" } });

        CloseInfo info = h.AssertClosed(CloseReason.ConnectionRefused, MqttReasonCode.BadAuthenticationMethod);
        Assert.Equal("unknown method", info.ReasonString);
    }

    [Fact] // [MQTT-4.12.0-5]: a successful CONNACK names the method of CONNECT; one without it is a Protocol Error
    public void SuccessConnAckWithoutMethod_Authenticator_ClosedWithProtocolError()
    {
        (SessionHarness h, _) = Connecting([0x01]);
        h.Receive(new ConnAckPacket());

        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(h.EventsOf(SessionEventKind.Connected));
        Assert.Empty(h.Sent());
    }

    [Fact] // [MQTT-4.12.0-6]: without a method in CONNECT the CONNACK names none
    public void SuccessConnAckWithMethod_NoAuthenticator_ClosedWithProtocolError()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500);
        h.Connect(new ConnAckPacket { Properties = new ConnAckProperties { AuthenticationMethod = Method } });

        h.AssertClosed(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError);
        Assert.Empty(h.EventsOf(SessionEventKind.Connected));
    }

    [Fact] // §4.12: a client that cannot answer a challenge ends the attempt; nothing is thrown into the driver
    public void AuthenticatorThrows_OnChallenge_ClosedAsRefusedWithoutThrowing()
    {
        (SessionHarness h, _) = Connecting(); // no scripted responses: OnChallenge throws
        h.Receive(Challenge([0x01]));

        Assert.Equal(SessionState.Disconnected, h.Session.State);
        SessionEvent closed = Assert.Single(h.EventsOf(SessionEventKind.Closed));
        var info = Assert.IsType<CloseInfo>(closed.Detail);
        Assert.Equal(CloseReason.ConnectionRefused, info.Reason);
        Assert.Equal(MqttReasonCode.NotAuthorized, info.ReasonCode);
        Assert.Empty(h.Sent());
    }
}
