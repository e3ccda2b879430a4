using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.LifecycleAssert;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>CONNECT built from <see cref="SessionOptions"/> (5.0 §3.1, 3.1.1 §3.1): every field, both levels, defaults left off the wire.</summary>
public class ConnectTests
{
    [Fact] // 5.0 §3.1.2: every property at its default is omitted, Property Length 0
    public void DefaultOptions_V500_ConnectHasNoProperties()
    {
        byte[] wire = ConnectBytes(new SessionOptions { ProtocolVersion = MqttProtocolVersion.V500 });
        Assert.Equal(
            new byte[]
            {
                0x10, 0x0D,                         // CONNECT, Remaining Length 13
                0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, // Protocol Name "MQTT" [MQTT-3.1.2-1]
                0x05,                               // Protocol Level 5
                0x02,                               // Connect Flags: Clean Start
                0x00, 0x3C,                         // Keep Alive 60 s
                0x00,                               // Property Length 0: Session Expiry 0, Receive Maximum 65,535, ... all default
                0x00, 0x00,                         // Client Identifier "" (the server assigns one)
            },
            wire);
    }

    [Fact] // 3.1.1 §3.1.2: level 4, no properties
    public void DefaultOptions_V311_ConnectIsLevelFourWithoutProperties()
    {
        byte[] wire = ConnectBytes(new SessionOptions { ProtocolVersion = MqttProtocolVersion.V311 });
        Assert.Equal(
            new byte[]
            {
                0x10, 0x0C,                         // CONNECT, Remaining Length 12
                0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, // "MQTT"
                0x04,                               // Protocol Level 4 [MQTT-3.1.2-2]
                0x02,                               // Clean Session
                0x00, 0x3C,                         // Keep Alive 60 s
                0x00, 0x00,                         // Client Identifier "" (needs Clean Session [MQTT-3.1.3-7])
            },
            wire);
    }

    [Fact] // 5.0 §3.1.2.5–3.1.2.11, §3.1.3.2 (will properties), §3.1.2.11.9–10 (authentication)
    public void EveryOption_V500_ConnectCarriesEachField()
    {
        var auth = new ScriptedAuthenticator("SCRAM-SHA-256", [0x01, 0x02, 0x03]);
        var will = new ConnectWill
        {
            Topic = "status/dev-1",
            Payload = "offline"u8.ToArray(),
            Qos = MqttQos.AtLeastOnce,
            Retain = true,
            Properties = new WillProperties
            {
                WillDelayInterval = 30,
                MessageExpiryInterval = 600,
                ContentType = "text/plain",
                UserProperties = new UserProperty[] { new("origin", "will") },
            },
        };
        var h = new SessionHarness(new SessionOptions
        {
            ClientId = "dev-1",
            CleanStart = false,
            KeepAlive = TimeSpan.FromSeconds(30),
            UserName = "alice",
            Password = new byte[] { 0x70, 0x77 },
            Will = will,
            SessionExpiryInterval = 3600,
            ReceiveMaximum = 20,
            MaximumPacketSize = 4096,
            TopicAliasMaximum = 8,
            RequestResponseInformation = true,
            RequestProblemInformation = false,
            UserProperties = [new("app", "demo")],
            Authenticator = auth,
        });

        h.Session.Connect();

        var expected = new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            CleanStart = false,
            KeepAlive = 30,
            ClientId = "dev-1",
            Will = will,
            UserName = "alice",
            Password = new MqttBinary(new byte[] { 0x70, 0x77 }),
            Properties = new ConnectProperties
            {
                SessionExpiryInterval = 3600,
                ReceiveMaximum = 20,
                MaximumPacketSize = 4096,
                TopicAliasMaximum = 8,
                RequestResponseInformation = true,
                RequestProblemInformation = false,
                UserProperties = new UserProperty[] { new("app", "demo") },
                AuthenticationMethod = "SCRAM-SHA-256",
                AuthenticationData = new MqttBinary(new byte[] { 0x01, 0x02, 0x03 }),
            },
        };
        Assert.Equal(expected, h.SentOne<ConnectPacket>());
        Assert.Equal(SessionState.Connecting, h.Session.State);
        Assert.Equal("dev-1", h.Session.ClientId);
    }

    [Fact] // 3.1.1 §3.1.2–3.1.3; options only 5.0 can express stay off a level-4 CONNECT
    public void EveryOption_V311_ConnectCarriesEachFieldAndNoProperties()
    {
        var will = new ConnectWill { Topic = "status/dev-1", Payload = "offline"u8.ToArray(), Qos = MqttQos.ExactlyOnce, Retain = false };
        var h = new SessionHarness(new SessionOptions
        {
            ProtocolVersion = MqttProtocolVersion.V311,
            ClientId = "dev-1",
            CleanStart = false,
            KeepAlive = TimeSpan.FromSeconds(90),
            UserName = "alice",
            Password = new byte[] { 0x70, 0x77 },
            Will = will,
            SessionExpiryInterval = 3600,
            ReceiveMaximum = 20,
            TopicAliasMaximum = 8,
            UserProperties = [new("app", "demo")],
            Authenticator = new ScriptedAuthenticator("SCRAM-SHA-256", [0x01]),
        });

        h.Session.Connect();

        var expected = new ConnectPacket
        {
            ProtocolVersion = MqttProtocolVersion.V311,
            CleanStart = false,
            KeepAlive = 90,
            ClientId = "dev-1",
            Will = will,
            UserName = "alice",
            Password = new MqttBinary(new byte[] { 0x70, 0x77 }),
        };
        Assert.Equal(expected, h.SentOne<ConnectPacket>());
    }

    [Theory] // [MQTT-3.1.2-4] clean start / clean session flag from the option
    [InlineData(MqttProtocolVersion.V311, true)]
    [InlineData(MqttProtocolVersion.V311, false)]
    [InlineData(MqttProtocolVersion.V500, true)]
    [InlineData(MqttProtocolVersion.V500, false)]
    public void CleanStartOption_Connect_FlagMatches(MqttProtocolVersion version, bool cleanStart)
    {
        SessionHarness h = Harness(version, new SessionOptions { ClientId = "c", CleanStart = cleanStart });
        h.Session.Connect();
        ConnectPacket connect = h.SentOne<ConnectPacket>();
        Assert.Equal(version, connect.ProtocolVersion);
        Assert.Equal(cleanStart, connect.CleanStart);
    }

    [Fact] // 3.1.1 [MQTT-3.1.2-22]: a password needs a user name; refused before anything is sent
    public void PasswordWithoutUserName_V311_ConnectThrowsAndSendsNothing()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V311, new SessionOptions { Password = new byte[] { 0x01 } });
        var ex = Assert.Throws<MqttProtocolException>(() => h.Session.Connect());
        Assert.Equal(MqttReasonCode.MalformedPacket, ex.ReasonCode);
        Assert.Equal(SessionState.Disconnected, h.Session.State);
        Assert.Empty(h.Sent());
        Assert.Null(h.Session.PollTimeout());
    }

    [Fact] // 5.0 §3.1.2.9 dropped the 3.1.1 rule: a password alone is allowed
    public void PasswordWithoutUserName_V500_SentWithPasswordOnly()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500, new SessionOptions { Password = new byte[] { 0x01 } });
        h.Session.Connect();
        ConnectPacket connect = h.SentOne<ConnectPacket>();
        Assert.Null(connect.UserName);
        Assert.Equal(new MqttBinary(new byte[] { 0x01 }), connect.Password);
    }

    [Theory] // 5.0 [MQTT-3.1.3-6] / 3.1.1 [MQTT-3.1.3-6]: an empty client identifier asks the server to assign one
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void EmptyClientId_CleanStart_SentEmpty(MqttProtocolVersion version)
    {
        SessionHarness h = Harness(version, new SessionOptions { ClientId = string.Empty, CleanStart = true });
        h.Session.Connect();
        Assert.True(h.SentOne<ConnectPacket>().ClientId.IsEmpty);
    }

    [Fact] // 3.1.1 [MQTT-3.1.3-7]: an empty client identifier needs Clean Session
    public void EmptyClientIdWithoutCleanSession_V311_ConnectThrows()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V311, new SessionOptions { ClientId = string.Empty, CleanStart = false });
        var ex = Assert.Throws<MqttProtocolException>(() => h.Session.Connect());
        Assert.Equal(MqttReasonCode.ClientIdentifierNotValid, ex.ReasonCode);
        Assert.Equal(SessionState.Disconnected, h.Session.State);
        Assert.Empty(h.Sent());
    }

    [Fact] // 5.0 §3.1.3.1 has no such restriction
    public void EmptyClientIdWithoutCleanStart_V500_Sent()
    {
        SessionHarness h = Harness(MqttProtocolVersion.V500, new SessionOptions { ClientId = string.Empty, CleanStart = false });
        h.Session.Connect();
        ConnectPacket connect = h.SentOne<ConnectPacket>();
        Assert.True(connect.ClientId.IsEmpty);
        Assert.False(connect.CleanStart);
    }

    [Fact] // 3.1.1 has no will properties: refused at Connect(), not at a later poll
    public void WillProperties_V311_ConnectThrows()
    {
        var will = new ConnectWill { Topic = "w", Payload = new byte[] { 1 }, Properties = new WillProperties { WillDelayInterval = 5 } };
        SessionHarness h = Harness(MqttProtocolVersion.V311, new SessionOptions { Will = will });
        Assert.Throws<MqttProtocolException>(() => h.Session.Connect());
        Assert.Equal(SessionState.Disconnected, h.Session.State);
        Assert.Empty(h.Sent());
    }

    [Theory] // §3.1.2.10: Keep Alive is whole seconds, at most 65,535; PINGREQ follows the value we sent
    [InlineData(MqttProtocolVersion.V311, 1_500, 1)]
    [InlineData(MqttProtocolVersion.V500, 1_500, 1)]
    [InlineData(MqttProtocolVersion.V311, 100_000_000, 65_535)]
    [InlineData(MqttProtocolVersion.V500, 100_000_000, 65_535)]
    public void KeepAliveNotWholeSeconds_Connect_WireValueAlsoTimesPingReq(MqttProtocolVersion version, long keepAliveMs, int expectedSeconds)
    {
        SessionHarness h = Connected(version, new SessionOptions { KeepAlive = TimeSpan.FromMilliseconds(keepAliveMs) });
        Assert.Equal(expectedSeconds, ((ConnectPacket)h.Log[0].Packet).KeepAlive);

        h.AdvanceTo(TimeSpan.FromSeconds(expectedSeconds) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(h.Sent());
        h.AdvanceTo(TimeSpan.FromSeconds(expectedSeconds));
        Assert.IsType<PingReqPacket>(Assert.Single(h.Sent()));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), h.Log[^1].At);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void ConnectAgain_WhileConnecting_ThrowsAndSendsNothingMore(MqttProtocolVersion version)
    {
        SessionHarness h = Harness(version);
        h.Session.Connect();
        Assert.IsType<ConnectPacket>(Assert.Single(h.Sent()));
        Assert.Throws<InvalidOperationException>(() => h.Session.Connect());
        Assert.Empty(h.Sent());
        Assert.Equal(SessionState.Connecting, h.Session.State);
    }

    [Fact] // a negative keep alive or a non-positive timeout is refused when the options are built
    public void NegativeOrZeroTimes_Options_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SessionOptions { KeepAlive = TimeSpan.FromSeconds(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SessionOptions { ConnectTimeout = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SessionOptions { PingResponseTimeout = TimeSpan.Zero });
        Assert.Equal(TimeSpan.Zero, new SessionOptions { KeepAlive = TimeSpan.Zero }.KeepAlive);
    }
}
