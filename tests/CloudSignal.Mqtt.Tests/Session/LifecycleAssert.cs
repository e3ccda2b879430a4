using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>Small assertions shared by the connection life cycle tests (connect, refusal, close).</summary>
internal static class LifecycleAssert
{
    public static SessionHarness Harness(MqttProtocolVersion version, SessionOptions? options = null) =>
        new((options ?? new SessionOptions()) with { ProtocolVersion = version });

    /// <summary>A harness past a successful CONNACK, with the CONNECT and the Connected event consumed.</summary>
    public static SessionHarness Connected(MqttProtocolVersion version, SessionOptions? options = null, ConnAckPacket? connAck = null)
    {
        SessionHarness h = Harness(version, options);
        h.Connect(connAck);
        Assert.Equal(SessionState.Connected, h.Session.State);
        Assert.Empty(h.Sent());
        return h;
    }

    /// <summary>The session is Disconnected with exactly one Closed event, of this reason and code.</summary>
    public static CloseInfo AssertClosed(this SessionHarness h, CloseReason reason, MqttReasonCode code)
    {
        Assert.Equal(SessionState.Disconnected, h.Session.State);
        SessionEvent closed = Assert.Single(h.EventsOf(SessionEventKind.Closed));
        CloseInfo info = Assert.IsType<CloseInfo>(closed.Detail);
        Assert.Equal(reason, info.Reason);
        Assert.Equal(code, info.ReasonCode);
        Assert.Equal(code, closed.ReasonCode);
        Assert.Null(h.Session.PollTimeout());
        return info;
    }

    /// <summary>The one Connected event's details.</summary>
    public static ConnectedInfo AssertConnected(this SessionHarness h)
    {
        Assert.Equal(SessionState.Connected, h.Session.State);
        SessionEvent connected = Assert.Single(h.EventsOf(SessionEventKind.Connected));
        return Assert.IsType<ConnectedInfo>(connected.Detail);
    }

    /// <summary>Under 5.0 exactly one DISCONNECT with <paramref name="code"/> was written; under 3.1.1 nothing.</summary>
    public static void AssertViolationDisconnect(this SessionHarness h, MqttReasonCode code)
    {
        List<IMqttPacket> sent = h.Sent();
        if (h.Version == MqttProtocolVersion.V500)
        {
            DisconnectPacket disconnect = Assert.IsType<DisconnectPacket>(Assert.Single(sent));
            Assert.Equal(code, disconnect.ReasonCode);
        }
        else
        {
            Assert.Empty(sent);
        }
    }

    /// <summary>The exact bytes a fresh session writes for its CONNECT.</summary>
    public static byte[] ConnectBytes(SessionOptions options)
    {
        var session = new MqttSession(options, new FakeTimeProvider());
        session.Connect();
        var output = new ArrayBufferWriter<byte>();
        while (session.PollTransmit(output) > 0)
        {
        }

        return output.WrittenSpan.ToArray();
    }

    public static OutboundMessage Message(string topic, MqttQos qos, int payloadLength = 1, bool retain = false) =>
        new(topic, new byte[payloadLength], qos, retain);
}

/// <summary>An authenticator that answers each challenge with the next scripted response and records what it was sent.</summary>
internal sealed class ScriptedAuthenticator(string method, byte[] initialData, params byte[][] responses) : IMqttAuthenticator
{
    public List<byte[]> Challenges { get; } = [];

    public string Method => method;

    public ReadOnlyMemory<byte> GetInitialData() => initialData;

    public ReadOnlyMemory<byte> OnChallenge(ReadOnlySpan<byte> serverData)
    {
        Challenges.Add(serverData.ToArray());
        return responses[Challenges.Count - 1];
    }
}
