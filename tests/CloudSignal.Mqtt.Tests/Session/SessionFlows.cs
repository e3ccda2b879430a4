using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>Small builders shared by the message-flow scenario tests.</summary>
internal static class SessionFlows
{
    /// <summary>A harness at <paramref name="version"/>, connected with <paramref name="connAck"/> (success by default), CONNECT already read.</summary>
    public static SessionHarness Connected(MqttProtocolVersion version, SessionOptions? options = null, ConnAckPacket? connAck = null)
    {
        var h = new SessionHarness((options ?? new SessionOptions()) with { ProtocolVersion = version });
        h.Connect(connAck);
        Assert.Equal(SessionState.Connected, h.Session.State);
        Assert.Empty(h.Sent());
        return h;
    }

    /// <summary>Drops the connection, then connects again and answers with <paramref name="connAck"/>.</summary>
    public static void Reconnect(this SessionHarness h, ConnAckPacket connAck)
    {
        if (h.Session.State != SessionState.Disconnected)
        {
            h.LoseConnection();
        }

        h.Sent();
        h.Connect(connAck);
    }

    public static OutboundMessage Message(string topic, MqttQos qos, params byte[] payload) => new(topic, payload, qos);

    /// <summary>The PUBLISH the session should write for <paramref name="message"/> (no alias).</summary>
    public static PublishPacket Expected(OutboundMessage message, ushort id, bool dup = false) => new()
    {
        Dup = dup,
        Qos = message.Qos,
        Retain = message.Retain,
        TopicName = message.Topic,
        PacketIdentifier = id,
        Properties = message.Properties,
        Payload = message.Payload,
    };

    /// <summary>A PUBLISH as the server would send it.</summary>
    public static PublishPacket Inbound(string topic, MqttQos qos, ushort id, bool dup = false, params byte[] payload) => new()
    {
        Dup = dup,
        Qos = qos,
        TopicName = topic,
        PacketIdentifier = id,
        Payload = payload,
    };

    public static List<SessionEvent> Completions(this SessionHarness h) => h.EventsOf(SessionEventKind.PublishCompleted);

    /// <summary>The single PublishCompleted event for <paramref name="token"/>.</summary>
    public static SessionEvent CompletionOf(this SessionHarness h, long token) =>
        Assert.Single(h.Completions(), e => e.Token == token);

    public static bool IsCompleted(this SessionHarness h, long token) => h.Completions().Any(e => e.Token == token);

    public static CloseInfo ClosedInfo(this SessionHarness h) =>
        Assert.IsType<CloseInfo>(Assert.Single(h.EventsOf(SessionEventKind.Closed)).Detail);
}
