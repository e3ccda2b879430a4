using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>5.0 Topic Aliases (§3.3.2.3.4): automatic outbound assignment, inbound resolution and 0x94.</summary>
public class TopicAliasTests
{
    private static readonly SessionOptions AutoAliases = new() { AutomaticTopicAliases = true };

    private static ConnAckPacket ServerAliases(ushort maximum, bool sessionPresent = false) =>
        new() { SessionPresent = sessionPresent, Properties = new ConnAckProperties { TopicAliasMaximum = maximum } };

    /// <summary>The PUBLISH expected on the wire: the topic (or none) and the alias (or none).</summary>
    private static PublishPacket Aliased(OutboundMessage m, ushort id, string topic, ushort? alias, bool dup = false) =>
        Expected(m, id, dup) with { TopicName = topic, Properties = m.Properties with { TopicAlias = alias } };

    [Fact] // first use: topic + alias; after that: empty topic + alias [MQTT-3.3.2-9]: alias ≤ the server's maximum
    public void AutomaticAliases_RepeatedTopic_TopicThenAliasOnly()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, AutoAliases, ServerAliases(2));
        OutboundMessage ab = Message("a/b", MqttQos.AtMostOnce, 1);
        OutboundMessage c = Message("c", MqttQos.AtLeastOnce, 2);
        h.Session.Publish(ab);
        h.Session.Publish(ab);
        h.Session.Publish(c);
        h.Session.Publish(c);

        Assert.Equal(
            new IMqttPacket[] { Aliased(ab, 0, "a/b", 1), Aliased(ab, 0, "", 1), Aliased(c, 1, "c", 2), Aliased(c, 2, "", 2) },
            h.Sent());
    }

    [Fact] // all aliases taken: the least recently used one is given to the new topic, which is sent in full
    public void AutomaticAliases_Full_LeastRecentlyUsedReplaced()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, AutoAliases, ServerAliases(2));
        OutboundMessage a = Message("a", MqttQos.AtMostOnce, 1);
        OutboundMessage b = Message("b", MqttQos.AtMostOnce, 2);
        OutboundMessage c = Message("c", MqttQos.AtMostOnce, 3);
        foreach (OutboundMessage m in new[] { a, b, a, c, b, c, a })
        {
            h.Session.Publish(m);
        }

        Assert.Equal(
            new IMqttPacket[]
            {
                Aliased(a, 0, "a", 1),
                Aliased(b, 0, "b", 2),
                Aliased(a, 0, "", 1),  // a is now the most recent
                Aliased(c, 0, "c", 2), // b was least recently used: alias 2 → c
                Aliased(b, 0, "b", 1), // a is least recently used now: alias 1 → b
                Aliased(c, 0, "", 2),
                Aliased(a, 0, "a", 1), // b (alias 1) is older than c: alias 1 → a
            },
            h.Sent());
    }

    [Fact] // [MQTT-3.3.2-9]: the server's Topic Alias Maximum absent means 0: no aliases at all
    public void AutomaticAliases_ServerMaximumAbsent_NoAlias()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, AutoAliases);
        OutboundMessage a = Message("a", MqttQos.AtMostOnce, 1);
        h.Session.Publish(a);
        h.Session.Publish(a);
        Assert.Equal(new IMqttPacket[] { Expected(a, 0), Expected(a, 0) }, h.Sent());
    }

    [Fact] // the option is off: the session never adds an alias, whatever the server allows
    public void AliasesOptionOff_ServerAllowsAliases_NoAlias()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, connAck: ServerAliases(10));
        OutboundMessage a = Message("a", MqttQos.AtMostOnce, 1);
        h.Session.Publish(a);
        h.Session.Publish(a);
        Assert.Equal(new IMqttPacket[] { Expected(a, 0), Expected(a, 0) }, h.Sent());
    }

    [Fact] // the application may not set an alias itself: the session owns them
    public void ApplicationSetsAlias_Publish_Throws()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, AutoAliases, ServerAliases(5));
        var m = new OutboundMessage("a", new byte[] { 1 }, Properties: new PublishPacketProperties { TopicAlias = 1 });
        Assert.Throws<MqttProtocolException>(() => h.Session.Publish(m));
        Assert.Empty(h.Sent());
    }

    [Fact] // [MQTT-3.3.2-7]: aliases live for one connection; resends on the next carry the topic again
    public void Reconnect_AliasesReset_ResendsCarryFullTopic()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, AutoAliases with { ClientId = "c", CleanStart = false }, ServerAliases(2));
        OutboundMessage a = Message("a/long/topic", MqttQos.AtLeastOnce, 1);
        h.Session.Publish(a);
        h.Session.Publish(a);
        Assert.Equal(new IMqttPacket[] { Aliased(a, 1, "a/long/topic", 1), Aliased(a, 2, "", 1) }, h.Sent());

        h.Reconnect(ServerAliases(2, sessionPresent: true));
        Assert.Equal(
            new IMqttPacket[] { Aliased(a, 1, "a/long/topic", 1, dup: true), Aliased(a, 2, "", 1, dup: true) },
            h.Sent());

        h.Reconnect(new ConnAckPacket { SessionPresent = true }); // this server allows no aliases
        Assert.Equal(new IMqttPacket[] { Expected(a, 1, dup: true), Expected(a, 2, dup: true) }, h.Sent());
    }

    [Fact] // [MQTT-3.1.2-24]: an alias must not push a PUBLISH past the server's Maximum Packet Size
    public void AliasWouldExceedServerMaximumPacketSize_SentWithoutAlias()
    {
        var connAck = new ConnAckPacket { Properties = new ConnAckProperties { TopicAliasMaximum = 5, MaximumPacketSize = 64 } };
        SessionHarness h = Connected(MqttProtocolVersion.V500, AutoAliases, connAck);

        // Without an alias this PUBLISH is exactly 64 bytes: 2 fixed header + 2 + 5 topic + 1 properties + 54 payload.
        OutboundMessage exact = new("t/abc", new byte[54]);
        Assert.Equal(64, PacketEncoder.GetSize(Expected(exact, 0), MqttProtocolVersion.V500));
        h.Session.Publish(exact);
        h.Session.Publish(exact);
        Assert.Equal(new IMqttPacket[] { Expected(exact, 0), Expected(exact, 0) }, h.Sent());

        // A smaller message on the same topic still gets an alias, and the big one may then use it.
        OutboundMessage small = new("t/abc", new byte[1]);
        h.Session.Publish(small);
        h.Session.Publish(exact);
        Assert.Equal(new IMqttPacket[] { Aliased(small, 0, "t/abc", 1), Aliased(exact, 0, "", 1) }, h.Sent());
        Assert.All(h.Log, p => Assert.True(PacketEncoder.GetSize(p.Packet, MqttProtocolVersion.V500) <= 64));
    }

    [Fact] // [MQTT-3.3.2-10]: alias + topic sets the mapping; alias + empty topic uses it
    public void InboundAlias_SetThenUsed_TopicResolved()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { TopicAliasMaximum = 3 });
        h.Receive(new PublishPacket { TopicName = "s/temp", Payload = new byte[] { 1 }, Properties = new PublishPacketProperties { TopicAlias = 3 } });
        h.Receive(new PublishPacket
        {
            Qos = MqttQos.AtLeastOnce,
            PacketIdentifier = 4,
            TopicName = "",
            Payload = new byte[] { 2 },
            Properties = new PublishPacketProperties { TopicAlias = 3 },
        });

        Assert.Equal(["s/temp", "s/temp"], h.Messages.Select(m => m.Topic));
        Assert.Equal(new byte[] { 2 }, h.Messages[1].Payload);
        Assert.Equal(new PubAckPacket(4), h.SentOne<PubAckPacket>());
    }

    [Fact] // 5.0 §3.3.2.3.4: a topic with a known alias replaces the mapping
    public void InboundAlias_Redefined_NewTopicUsed()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { TopicAliasMaximum = 1 });
        h.Receive(new PublishPacket { TopicName = "xx", Properties = new PublishPacketProperties { TopicAlias = 1 } });
        h.Receive(new PublishPacket { TopicName = "yy", Properties = new PublishPacketProperties { TopicAlias = 1 } });
        h.Receive(new PublishPacket { TopicName = "longer/topic", Properties = new PublishPacketProperties { TopicAlias = 1 } });
        h.Receive(new PublishPacket { TopicName = "", Properties = new PublishPacketProperties { TopicAlias = 1 } });
        Assert.Equal(["xx", "yy", "longer/topic", "longer/topic"], h.Messages.Select(m => m.Topic));
    }

    [Theory] // [MQTT-3.3.2-10] broken by the server: an alias above the maximum we sent → 0x94 Topic Alias invalid
    [InlineData(0, 1)]
    [InlineData(3, 4)]
    [InlineData(3, 65_535)]
    public void InboundAlias_AboveOurMaximum_Disconnect0x94(ushort ourMaximum, ushort alias)
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { TopicAliasMaximum = ourMaximum });
        h.Receive(new PublishPacket { TopicName = "t", Properties = new PublishPacketProperties { TopicAlias = alias } });
        AssertClosedWith(h, MqttReasonCode.TopicAliasInvalid);
    }

    [Fact] // an alias with an empty topic that was never set on this connection → 0x94
    public void InboundAlias_NeverSet_Disconnect0x94()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { TopicAliasMaximum = 5 });
        h.Receive(new PublishPacket { TopicName = "t", Properties = new PublishPacketProperties { TopicAlias = 1 } });
        h.Receive(new PublishPacket { TopicName = "", Qos = MqttQos.AtLeastOnce, PacketIdentifier = 1, Properties = new PublishPacketProperties { TopicAlias = 2 } });
        AssertClosedWith(h, MqttReasonCode.TopicAliasInvalid, delivered: 1);
    }

    [Fact] // [MQTT-3.3.2-7]: the server's mappings do not survive the connection
    public void InboundAlias_SetBeforeReconnect_UnknownAfterIt()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { TopicAliasMaximum = 5 });
        h.Receive(new PublishPacket { TopicName = "t", Properties = new PublishPacketProperties { TopicAlias = 1 } });
        h.Reconnect(new ConnAckPacket());
        h.Receive(new PublishPacket { TopicName = "", Properties = new PublishPacketProperties { TopicAlias = 1 } });
        AssertClosedWith(h, MqttReasonCode.TopicAliasInvalid, delivered: 1, closes: 2);
    }

    [Fact] // [MQTT-3.3.2-8]: alias 0 is never valid; the property decoder rejects it as a protocol error (0x82)
    public void InboundAliasZero_Disconnect0x82()
    {
        SessionHarness h = Connected(MqttProtocolVersion.V500, new SessionOptions { TopicAliasMaximum = 5 });
        h.ReceiveBytes(
        [
            0x30, 0x07,             // PUBLISH QoS 0, Remaining Length 7
            0x00, 0x01, (byte)'t',  // Topic Name "t"
            0x03, 0x23, 0x00, 0x00, // Properties: Topic Alias (0x23) = 0
        ]);
        AssertClosedWith(h, MqttReasonCode.ProtocolError);
    }

    private static void AssertClosedWith(SessionHarness h, MqttReasonCode code, int delivered = 0, int closes = 1)
    {
        Assert.Equal(new DisconnectPacket(code), h.SentOne<DisconnectPacket>());
        Assert.Equal(SessionState.Disconnected, h.Session.State);
        List<SessionEvent> closed = h.EventsOf(SessionEventKind.Closed);
        Assert.Equal(closes, closed.Count);
        CloseInfo info = Assert.IsType<CloseInfo>(closed[^1].Detail);
        Assert.Equal(CloseReason.ProtocolViolation, info.Reason);
        Assert.Equal(code, info.ReasonCode);
        Assert.Equal(delivered, h.Messages.Count);
    }
}
