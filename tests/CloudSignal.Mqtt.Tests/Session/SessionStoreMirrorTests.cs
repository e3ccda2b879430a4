using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;
using CloudSignal.Mqtt.Tests.Infrastructure.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static CloudSignal.Mqtt.Tests.Session.SessionFlows;
using Property = FsCheck.Property;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// The session mirrored into an <see cref="IMqttSessionStore"/> (MqttSession.Persistence.cs): the
/// exact calls each QoS 1/2 flow makes, and a second session restored from what the first left,
/// as after a process restart (5.0 §4.1 / 3.1.1 §4.1: the client's Session State).
/// </summary>
public class SessionStoreMirrorTests
{
    private static readonly SessionOptions KeepSession = new() { ClientId = "dev-1", CleanStart = false, SessionExpiryInterval = 300 };
    private static readonly ConnAckPacket Resumed = new() { SessionPresent = true };
    private static readonly ConnAckPacket Fresh = new() { SessionPresent = false };

    /// <summary>A disconnected session at <paramref name="version"/> with <paramref name="store"/> attached (Load already called).</summary>
    private static SessionHarness WithStore(MqttProtocolVersion version, RecordingSessionStore store)
    {
        var h = new SessionHarness(KeepSession with { ProtocolVersion = version });
        h.Session.AttachStore(store);
        return h;
    }

    /// <summary>Connected with a store attached; the store's calls so far (Load, ClearReceived) are checked and cleared.</summary>
    private static SessionHarness ConnectedWithStore(MqttProtocolVersion version, RecordingSessionStore store)
    {
        SessionHarness h = WithStore(version, store);
        h.Connect(Fresh);
        Assert.Equal(["Load", "ClearReceived"], store.TakeCalls());
        return h;
    }

    /// <summary>Under 5.0 a message with properties, so they are seen to survive the store; under 3.1.1 none.</summary>
    private static OutboundMessage WithProperties(MqttProtocolVersion version, OutboundMessage message) =>
        version == MqttProtocolVersion.V500
            ? message with
            {
                Properties = new PublishPacketProperties
                {
                    ContentType = "text/plain",
                    MessageExpiryInterval = 3600,
                    UserProperties = new UserProperty[] { new("k", "v"), new("k", "w") },
                },
            }
            : message;

    // ---- the calls each flow makes -------------------------------------------------------------

    [Theory] // QoS 1: accepted → identifier → PUBACK ends it [MQTT-4.3.2-1] [MQTT-4.3.2-2]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos1Flow_AddPublish_SetPacketIdentifier_RemovePublish(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        SessionHarness h = ConnectedWithStore(version, store);
        OutboundMessage m = WithProperties(version, new OutboundMessage("t/1", new byte[] { 1, 2, 3 }, MqttQos.AtLeastOnce, Retain: true));

        long token = h.Session.Publish(m);
        Assert.Equal(Expected(m, 1), h.SentOne<PublishPacket>());
        Assert.Equal([$"AddPublish({token})", $"SetPacketIdentifier({token},1)"], store.TakeCalls());
        Assert.Equal(StoredMessageCodec.Encode(m), store.Added[token]);
        Assert.Equal(new StoredPublish(token, default, 1, false), Assert.Single(store.Publishes) with { Message = default });

        h.Receive(new PubAckPacket(1));
        Assert.Equal([$"RemovePublish({token})"], store.TakeCalls());
        Assert.Empty(store.Publishes);
        Assert.Empty(store.Violations);
    }

    [Theory] // QoS 2: PUBREC marks it released [MQTT-4.3.3-4]; a repeated PUBREC changes nothing; PUBCOMP ends it
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos2Flow_AddPublish_SetPacketIdentifier_MarkReleased_RemovePublish(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        SessionHarness h = ConnectedWithStore(version, store);
        OutboundMessage m = WithProperties(version, Message("t/2", MqttQos.ExactlyOnce, 9));

        long token = h.Session.Publish(m);
        Assert.Equal(Expected(m, 1), h.SentOne<PublishPacket>());
        Assert.Equal([$"AddPublish({token})", $"SetPacketIdentifier({token},1)"], store.TakeCalls());

        h.Receive(new PubRecPacket(1));
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>());
        Assert.Equal([$"MarkReleased({token})"], store.TakeCalls());
        Assert.True(Assert.Single(store.Publishes).Released);

        h.Receive(new PubRecPacket(1));
        Assert.Equal(new PubRelPacket(1), h.SentOne<PubRelPacket>());
        Assert.Empty(store.TakeCalls());

        h.Receive(new PubCompPacket(1));
        Assert.Equal([$"RemovePublish({token})"], store.TakeCalls());
        Assert.Empty(store.Publishes);
        Assert.Empty(store.Violations);
    }

    [Theory] // QoS 0 is never stored: nothing to resend after a restart
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Qos0Publish_NoStoreCall(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        SessionHarness h = ConnectedWithStore(version, store);
        h.Session.Publish(Message("online", MqttQos.AtMostOnce, 1));
        h.LoseConnection();
        h.Session.Publish(Message("offline", MqttQos.AtMostOnce, 2));
        h.Reconnect(Resumed);

        Assert.Equal(2, h.Completions().Count);
        Assert.Empty(store.TakeCalls());
    }

    [Fact] // 5.0 [MQTT-3.2.2-14]: publishes queued offline and refused at the CONNACK; only the stored one is removed
    public void RefusedAtConnAck_OnlyStoredPublishRemoved()
    {
        var store = new RecordingSessionStore();
        SessionHarness h = ConnectedWithStore(MqttProtocolVersion.V500, store);
        h.LoseConnection();
        long t0 = h.Session.Publish(new OutboundMessage("r0", new byte[] { 0 }, MqttQos.AtMostOnce, Retain: true));
        long t1 = h.Session.Publish(new OutboundMessage("r1", new byte[] { 1 }, MqttQos.AtLeastOnce, Retain: true));
        Assert.Equal([$"AddPublish({t1})"], store.TakeCalls());

        h.Reconnect(new ConnAckPacket { SessionPresent = true, Properties = new ConnAckProperties { RetainAvailable = false } });
        Assert.Equal(MqttReasonCode.RetainNotSupported, h.CompletionOf(t0).ReasonCode);
        Assert.Equal(MqttReasonCode.RetainNotSupported, h.CompletionOf(t1).ReasonCode);
        Assert.Empty(h.Sent());
        Assert.Equal([$"RemovePublish({t1})"], store.TakeCalls());
        Assert.Empty(store.Violations);
    }

    [Fact] // [MQTT-3.2.2-11] (5.0): a QoS 2 publish queued before a CONNACK with Maximum QoS 1 fails locally and leaves the store
    public void QueuedQos2_MaximumQosLowered_RemovePublish()
    {
        var store = new RecordingSessionStore();
        SessionHarness h = WithStore(MqttProtocolVersion.V500, store);
        long token = h.Session.Publish(Message("q2", MqttQos.ExactlyOnce, 1));
        Assert.Equal(["Load", $"AddPublish({token})"], store.TakeCalls());

        h.Connect(new ConnAckPacket { Properties = new ConnAckProperties { MaximumQoS = MqttQos.AtLeastOnce } });
        Assert.Equal(MqttReasonCode.QoSNotSupported, h.CompletionOf(token).ReasonCode);
        Assert.Equal(["ClearReceived", $"RemovePublish({token})"], store.TakeCalls());
        Assert.Empty(store.Publishes);
        Assert.Empty(store.Violations);
    }

    [Fact] // 5.0 §4.3.2 / §4.3.3: a failed PUBACK or PUBREC ends the flow; a failed PUBREC is not a release
    public void FailedPubAckAndPubRec_RemovePublishWithoutMarkReleased()
    {
        var store = new RecordingSessionStore();
        SessionHarness h = ConnectedWithStore(MqttProtocolVersion.V500, store);
        long t1 = h.Session.Publish(Message("a", MqttQos.AtLeastOnce, 1));
        long t2 = h.Session.Publish(Message("b", MqttQos.ExactlyOnce, 2));
        h.Sent();
        store.TakeCalls();

        h.Receive(new PubAckPacket(1, MqttReasonCode.NotAuthorized));
        h.Receive(new PubRecPacket(2, MqttReasonCode.QuotaExceeded));
        Assert.Empty(h.Sent()); // no PUBREL after a failed PUBREC
        Assert.Equal([$"RemovePublish({t1})", $"RemovePublish({t2})"], store.TakeCalls());
        Assert.Equal(MqttReasonCode.NotAuthorized, h.CompletionOf(t1).ReasonCode);
        Assert.Equal(MqttReasonCode.QuotaExceeded, h.CompletionOf(t2).ReasonCode);
        Assert.Empty(store.Violations);
    }

    [Fact] // 5.0 §4.9: a flow waiting for room under the Receive Maximum gets its identifier (and its store call) when it is written
    public void ReceiveMaximumFull_PacketIdentifierRecordedWhenTheFlowIsWritten()
    {
        var store = new RecordingSessionStore();
        SessionHarness h = WithStore(MqttProtocolVersion.V500, store);
        h.Connect(new ConnAckPacket { Properties = new ConnAckProperties { ReceiveMaximum = 1 } });
        store.TakeCalls();

        long t1 = h.Session.Publish(Message("a", MqttQos.AtLeastOnce, 1));
        long t2 = h.Session.Publish(Message("b", MqttQos.AtLeastOnce, 2));
        Assert.Single(h.Sent());
        Assert.Equal([$"AddPublish({t1})", $"AddPublish({t2})", $"SetPacketIdentifier({t1},1)"], store.TakeCalls());

        h.Receive(new PubAckPacket(1));
        Assert.Equal(2, h.SentOne<PublishPacket>().PacketIdentifier);
        Assert.Equal([$"RemovePublish({t1})", $"SetPacketIdentifier({t2},2)"], store.TakeCalls());
    }

    [Theory] // [MQTT-3.3.1-1]: a PUBLISH given an identifier but never written is restored as never sent: no DUP
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void IdentifiedButNeverWritten_Restored_SentWithoutDup(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        SessionHarness first = WithStore(version, store);
        first.Connect(Resumed);
        first.Session.Publish(Message("w", MqttQos.AtLeastOnce, 1));
        first.Session.HandleConnectionLost(); // before the driver polled the transmit queue
        Assert.Equal(0, Assert.Single(store.Publishes).PacketIdentifier);

        SessionHarness second = WithStore(version, store);
        second.Connect(Resumed);
        PublishPacket resent = second.SentOne<PublishPacket>();
        Assert.False(resent.Dup);
        Assert.Equal("w", resent.TopicName.ToString());
    }

    [Theory] // published offline: stored at once, identified when it goes out
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void PublishedWhileDisconnected_StoredAtOnce_IdentifierRecordedWhenSent(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        SessionHarness h = WithStore(version, store);
        long token = h.Session.Publish(Message("t", MqttQos.AtLeastOnce, 1));
        Assert.Equal(["Load", $"AddPublish({token})"], store.TakeCalls());
        Assert.Equal(0, Assert.Single(store.Publishes).PacketIdentifier);

        h.Connect(Fresh);
        Assert.Equal(1, h.SentOne<PublishPacket>().PacketIdentifier);
        Assert.Equal(["ClearReceived", $"SetPacketIdentifier({token},1)"], store.TakeCalls());
    }

    [Theory] // Session Present 0 [MQTT-3.2.2-5] (5.0): flows lose their identifiers (0), those past PUBREC are done and removed
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void NoSessionPresent_FlowsLoseIdentifiers_ReleasedOnesRemoved(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        SessionHarness h = ConnectedWithStore(version, store);
        OutboundMessage a = Message("a", MqttQos.AtLeastOnce, 1);
        OutboundMessage b = Message("b", MqttQos.ExactlyOnce, 2);
        OutboundMessage c = Message("c", MqttQos.ExactlyOnce, 3);
        long ta = h.Session.Publish(a);
        long tb = h.Session.Publish(b);
        long tc = h.Session.Publish(c);
        h.Flush();
        h.Receive(new PubRecPacket(2));
        Assert.Equal(4, h.Sent().Count);
        store.TakeCalls();

        h.LoseConnection();
        Assert.Empty(store.TakeCalls());
        h.Reconnect(Fresh);

        Assert.Equal(
            ["ClearReceived", $"SetPacketIdentifier({ta},0)", $"RemovePublish({tb})", $"SetPacketIdentifier({tc},0)",
             $"SetPacketIdentifier({ta},4)", $"SetPacketIdentifier({tc},5)"],
            store.TakeCalls());
        Assert.Equal(new IMqttPacket[] { Expected(a, 4), Expected(c, 5) }, h.Sent());
        Assert.Equal(MqttReasonCode.Success, h.CompletionOf(tb).ReasonCode);
        Assert.Equal([(ta, (ushort)4, false), (tc, (ushort)5, false)], store.Publishes.Select(p => (p.Sequence, p.PacketIdentifier, p.Released)));
        Assert.Empty(store.Violations);
    }

    [Theory] // Session Present 1: resending changes nothing the store holds
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void SessionPresent_ResendMakesNoStoreCall(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        SessionHarness h = ConnectedWithStore(version, store);
        h.Session.Publish(Message("a", MqttQos.AtLeastOnce, 1));
        h.Session.Publish(Message("b", MqttQos.ExactlyOnce, 2));
        h.Receive(new PubRecPacket(2));
        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 7, payload: [1]));
        h.Sent();
        store.TakeCalls();

        h.Reconnect(Resumed);
        Assert.Equal(2, h.Sent().Count);
        Assert.Empty(store.TakeCalls());
        Assert.Equal([(ushort)7], store.Received);
    }

    [Theory] // inbound QoS 2 [MQTT-4.3.3-9] [MQTT-4.3.3-10] (5.0), [MQTT-4.3.3-2] (3.1.1): the identifier is held from delivery to PUBREL
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void InboundQos2_AddReceivedAtDelivery_RemoveReceivedAtPubRel_ClearedWithoutSession(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        SessionHarness h = ConnectedWithStore(version, store);

        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 9, payload: [1]));
        Assert.Equal(["AddReceived(9)"], store.TakeCalls());
        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 9, dup: true, payload: [1]));
        h.Receive(Inbound("q1", MqttQos.AtLeastOnce, 10, payload: [2]));
        h.Receive(Inbound("q0", MqttQos.AtMostOnce, 0, payload: [3]));
        Assert.Empty(store.TakeCalls()); // the duplicate, QoS 1 and QoS 0 leave nothing to keep
        h.Receive(new PubRelPacket(9));
        Assert.Equal(["RemoveReceived(9)"], store.TakeCalls());
        h.Receive(new PubRelPacket(9)); // unknown now: answered, nothing stored
        Assert.Empty(store.TakeCalls());
        Assert.Equal(3, h.Messages.Count);

        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 11, payload: [4]));
        Assert.Equal(["AddReceived(11)"], store.TakeCalls());
        h.Reconnect(Fresh);
        Assert.Equal(["ClearReceived"], store.TakeCalls());
        Assert.Empty(store.Received);
        Assert.Empty(store.Violations);
    }

    // ---- restoring from a store ----------------------------------------------------------------

    /// <summary>
    /// A first session leaves a: QoS 1 sent (id 1); b: QoS 2 past PUBREC (id 2); c: QoS 2 sent
    /// (id 3); d: QoS 1 published after the connection dropped (no id). Then the process "dies".
    /// </summary>
    private static (OutboundMessage[] Messages, long[] Tokens) LeaveFourFlows(MqttProtocolVersion version, RecordingSessionStore store)
    {
        SessionHarness first = ConnectedWithStore(version, store);
        OutboundMessage[] m =
        [
            WithProperties(version, Message("a", MqttQos.AtLeastOnce, 1)),
            Message("b", MqttQos.ExactlyOnce, 2),
            WithProperties(version, new OutboundMessage("c", new byte[] { 3 }, MqttQos.ExactlyOnce, Retain: true)),
            Message("d", MqttQos.AtLeastOnce, 4),
        ];
        long[] tokens = [first.Session.Publish(m[0]), first.Session.Publish(m[1]), first.Session.Publish(m[2]), 0];
        first.Flush();
        first.Receive(new PubRecPacket(2));
        Assert.Equal(4, first.Sent().Count);
        first.LoseConnection();
        tokens[3] = first.Session.Publish(m[3]);
        store.TakeCalls();
        Assert.Equal(
            [(tokens[0], (ushort)1, false), (tokens[1], (ushort)2, true), (tokens[2], (ushort)3, false), (tokens[3], (ushort)0, false)],
            store.Publishes.Select(p => (p.Sequence, p.PacketIdentifier, p.Released)));
        return (m, tokens);
    }

    [Theory] // [MQTT-4.4.0-1] [MQTT-4.6.0-1] [MQTT-3.3.1-1] (5.0); [MQTT-4.4.0-1] [MQTT-4.6.0-1] [MQTT-2.3.1-2] (3.1.1) — across a restart
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Restored_SessionPresent_ResentWithDupSameIdsInOrder_PubRelForReleased(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        (OutboundMessage[] m, long[] t) = LeaveFourFlows(version, store);

        SessionHarness h = WithStore(version, store);
        Assert.Equal(["Load"], store.TakeCalls());
        Assert.Equal(3, h.Session.InflightCount);
        Assert.Equal(1, h.Session.PendingCount);

        h.Connect(Resumed);
        Assert.Equal(
            new IMqttPacket[] { Expected(m[0], 1, dup: true), new PubRelPacket(2), Expected(m[2], 3, dup: true), Expected(m[3], 4) },
            h.Sent());
        Assert.Equal([$"SetPacketIdentifier({t[3]},4)"], store.TakeCalls());

        h.Receive(new PubAckPacket(1));
        h.Receive(new PubCompPacket(2));
        h.Receive(new PubRecPacket(3));
        Assert.Equal(new PubRelPacket(3), h.SentOne<PubRelPacket>());
        h.Receive(new PubCompPacket(3));
        h.Receive(new PubAckPacket(4));

        Assert.Equal(t, h.Completions().Select(e => e.Token));
        Assert.All(h.Completions(), e => Assert.Equal(MqttReasonCode.Success, e.ReasonCode));
        Assert.Equal(
            [$"RemovePublish({t[0]})", $"RemovePublish({t[1]})", $"MarkReleased({t[2]})", $"RemovePublish({t[2]})", $"RemovePublish({t[3]})"],
            store.TakeCalls());
        Assert.Empty(store.Publishes);
        Assert.Empty(store.Violations);
    }

    [Theory] // restored, but the server kept no session: released flows complete, the rest go as new in original order
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Restored_NoSessionPresent_SentAsNew_ReleasedCompletedAndRemoved(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore();
        (OutboundMessage[] m, long[] t) = LeaveFourFlows(version, store);

        SessionHarness h = WithStore(version, store);
        h.Connect(Fresh);

        Assert.Equal(new IMqttPacket[] { Expected(m[0], 1), Expected(m[2], 2), Expected(m[3], 3) }, h.Sent());
        Assert.Equal(
            ["Load", "ClearReceived", $"SetPacketIdentifier({t[0]},0)", $"RemovePublish({t[1]})", $"SetPacketIdentifier({t[2]},0)",
             $"SetPacketIdentifier({t[0]},1)", $"SetPacketIdentifier({t[2]},2)", $"SetPacketIdentifier({t[3]},3)"],
            store.TakeCalls());
        Assert.Equal(t[1], Assert.Single(h.Completions()).Token);

        h.Receive(new PubAckPacket(1));
        h.Receive(new PubRecPacket(2));
        h.Receive(new PubCompPacket(2));
        h.Receive(new PubAckPacket(3));
        Assert.Equal([t[1], t[0], t[2], t[3]], h.Completions().Select(e => e.Token));
        Assert.Empty(store.Publishes);
        Assert.Empty(store.Violations);
    }

    [Theory] // a store written by someone else: gaps in sequences, ids not from 1, a released flow whose bytes were dropped
    [InlineData(MqttProtocolVersion.V311, true)]
    [InlineData(MqttProtocolVersion.V500, true)]
    [InlineData(MqttProtocolVersion.V311, false)]
    [InlineData(MqttProtocolVersion.V500, false)]
    public void Restored_HandWrittenStore_InSequenceOrder(MqttProtocolVersion version, bool sessionPresent)
    {
        OutboundMessage a = Message("a", MqttQos.AtLeastOnce, 1);
        OutboundMessage c = Message("c", MqttQos.ExactlyOnce, 3);
        var store = new RecordingSessionStore(
        [
            new StoredPublish(10, StoredMessageCodec.Encode(a), 700, false),
            new StoredPublish(20, ReadOnlyMemory<byte>.Empty, 800, true), // "the message itself is no longer needed"
            new StoredPublish(30, StoredMessageCodec.Encode(c), 0, false),
        ]);
        SessionHarness h = WithStore(version, store);
        h.Connect(new ConnAckPacket { SessionPresent = sessionPresent });

        if (sessionPresent)
        {
            Assert.Equal(new IMqttPacket[] { Expected(a, 700, dup: true), new PubRelPacket(800), Expected(c, 1) }, h.Sent());
            Assert.Equal(["Load", "SetPacketIdentifier(30,1)"], store.TakeCalls());
            h.Receive(new PubCompPacket(800));
            Assert.Equal(["RemovePublish(20)"], store.TakeCalls());
        }
        else
        {
            Assert.Equal(new IMqttPacket[] { Expected(a, 1), Expected(c, 2) }, h.Sent());
            Assert.Equal(
                ["Load", "ClearReceived", "SetPacketIdentifier(10,0)", "RemovePublish(20)", "SetPacketIdentifier(10,1)", "SetPacketIdentifier(30,2)"],
                store.TakeCalls());
        }

        Assert.Equal(MqttReasonCode.Success, h.CompletionOf(20).ReasonCode);
        Assert.Empty(store.Violations);
    }

    [Theory] // [MQTT-4.3.3-9] [MQTT-4.3.3-10] (5.0), [MQTT-4.3.3-2] (3.1.1) across a restart: a restored id is not delivered twice
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void RestoredInboundIdentifier_DuplicatePublish_PubRecWithoutRedelivery(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore([], [9]);
        SessionHarness h = WithStore(version, store);
        Assert.Equal(1, h.Session.InboundAwaitingReleaseCount);
        h.Connect(Resumed);
        Assert.Equal(["Load"], store.TakeCalls());

        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 9, dup: true, payload: [1]));
        Assert.Equal(new PubRecPacket(9), h.SentOne<PubRecPacket>());
        Assert.Empty(h.Messages);
        Assert.Empty(store.TakeCalls());

        h.Receive(new PubRelPacket(9));
        Assert.Equal(new PubCompPacket(9), h.SentOne<PubCompPacket>()); // known: Success, not 0x92
        Assert.Equal(["RemoveReceived(9)"], store.TakeCalls());

        // [MQTT-4.3.3-12] (5.0): after PUBCOMP the identifier starts a new message.
        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 9, payload: [2]));
        Assert.Equal(new byte[] { 2 }, Assert.Single(h.Messages).Payload);
        Assert.Equal(["AddReceived(9)"], store.TakeCalls());
        Assert.Empty(store.Violations);
    }

    [Theory] // [MQTT-3.2.2-5] (5.0): restored inbound identifiers are forgotten when the server kept no session
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void RestoredInboundIdentifier_NoSessionPresent_Cleared(MqttProtocolVersion version)
    {
        var store = new RecordingSessionStore([], [9]);
        SessionHarness h = WithStore(version, store);
        h.Connect(Fresh);
        Assert.Equal(["Load", "ClearReceived"], store.TakeCalls());
        Assert.Equal(0, h.Session.InboundAwaitingReleaseCount);

        h.Receive(Inbound("in", MqttQos.ExactlyOnce, 9, payload: [1]));
        Assert.Single(h.Messages);
        Assert.Equal(["AddReceived(9)"], store.TakeCalls());
    }

    [Theory] // sequences grow in publish order across the restart: every later token is above the restored ones
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void AfterRestore_NewTokensAboveRestoredSequences(MqttProtocolVersion version)
    {
        OutboundMessage a = Message("a", MqttQos.AtLeastOnce, 1);
        OutboundMessage b = Message("b", MqttQos.ExactlyOnce, 2);
        OutboundMessage c = Message("c", MqttQos.AtLeastOnce, 3);
        var store = new RecordingSessionStore(
        [
            new StoredPublish(41, StoredMessageCodec.Encode(a), 3, false),
            new StoredPublish(42, StoredMessageCodec.Encode(b), 0, false),
        ]);
        SessionHarness h = WithStore(version, store);
        long tc = h.Session.Publish(c);
        Assert.True(tc > 42, $"token {tc}");
        Assert.Equal(["Load", $"AddPublish({tc})"], store.TakeCalls());

        h.Connect(Resumed);
        Assert.Equal(new IMqttPacket[] { Expected(a, 3, dup: true), Expected(b, 1), Expected(c, 2) }, h.Sent());
        long ts = h.Session.Subscribe(new SubscribePacket { Subscriptions = new[] { new Subscription("s") } });
        Assert.True(ts > tc, $"token {ts}");

        h.Receive(new PubAckPacket(3));
        h.Receive(new PubAckPacket(2));
        Assert.Equal([41L, tc], h.Completions().Select(e => e.Token));
        Assert.Empty(store.Violations);
    }

    [Fact] // AttachStore is for a fresh session only: once, disconnected, before any request
    public void AttachStore_OnceBeforeUse_OtherwiseThrows()
    {
        var twice = new SessionHarness(KeepSession);
        twice.Session.AttachStore(new RecordingSessionStore());
        Assert.Throws<InvalidOperationException>(() => twice.Session.AttachStore(new RecordingSessionStore()));

        var afterPublish = new SessionHarness(KeepSession);
        afterPublish.Session.Publish(Message("a", MqttQos.AtLeastOnce, 1));
        var unused = new RecordingSessionStore();
        Assert.Throws<InvalidOperationException>(() => afterPublish.Session.AttachStore(unused));
        Assert.Empty(unused.Calls);

        SessionHarness connected = Connected(MqttProtocolVersion.V500, KeepSession);
        Assert.Throws<InvalidOperationException>(() => connected.Session.AttachStore(new RecordingSessionStore()));
    }

    [Fact] // bytes the codec did not write are refused, not guessed at
    public void AttachStore_CorruptStoredPublish_InvalidDataException()
    {
        var store = new RecordingSessionStore([new StoredPublish(1, new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, 1, false)]);
        var h = new SessionHarness(KeepSession);
        Assert.Throws<InvalidDataException>(() => h.Session.AttachStore(store));
    }

    // ---- StoredMessageCodec ----------------------------------------------------------------------

    [Fact] // every field and 5.0 property of the message survives, whatever level the connection speaks
    public void StoredMessageCodec_AllV5Properties_RoundTrip()
    {
        var message = new OutboundMessage(
            "sensors/7/temp",
            new byte[] { 0x7B, 0x7D, 0x00, 0xFF },
            MqttQos.ExactlyOnce,
            Retain: true,
            new PublishPacketProperties
            {
                PayloadFormatIndicator = 1,
                MessageExpiryInterval = 120,
                ContentType = "application/json",
                ResponseTopic = "replies/7",
                CorrelationData = new byte[] { 1, 2, 3 },
                UserProperties = new UserProperty[] { new("a", "1"), new("a", "2"), new("b", string.Empty) },
            });

        byte[] stored = StoredMessageCodec.Encode(message);
        OutboundMessage back = StoredMessageCodec.Decode(stored);

        Assert.Equal(message.Topic, back.Topic);
        Assert.Equal(message.Qos, back.Qos);
        Assert.True(back.Retain);
        Assert.Equal(message.Payload.ToArray(), back.Payload.ToArray());
        Assert.Equal(message.Properties, back.Properties);
        Assert.Equal(message.ToPacket(5, dup: false), back.ToPacket(5, dup: false));

        // The bytes are a 5.0 PUBLISH with identifier 1 and no DUP.
        Assert.Equal(message.ToPacket(1, dup: false), Codec.Decode(stored, MqttProtocolVersion.V500));
    }

    [Theory] // QoS 1, empty payload, no properties: the common 3.1.1 case
    [InlineData(MqttQos.AtLeastOnce)]
    [InlineData(MqttQos.ExactlyOnce)]
    public void StoredMessageCodec_PlainMessage_RoundTrip(MqttQos qos)
    {
        var message = new OutboundMessage("t", ReadOnlyMemory<byte>.Empty, qos);
        OutboundMessage back = StoredMessageCodec.Decode(StoredMessageCodec.Encode(message));
        Assert.Equal(message.ToPacket(1, dup: false), back.ToPacket(1, dup: false));
        Assert.Equal(default, back.Properties);
    }

    public static TheoryData<string, byte[]> CorruptBytes()
    {
        byte[] valid = StoredMessageCodec.Encode(Message("t", MqttQos.AtLeastOnce, 1, 2));
        return new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "truncated", valid[..^1] },
            { "trailing byte", [.. valid, 0x00] },
            { "two messages", [.. valid, .. valid] },
            { "QoS 0 PUBLISH", Codec.Encode(Message("t", MqttQos.AtMostOnce, 1).ToPacket(0, dup: false), MqttProtocolVersion.V500) },
            { "QoS 3", [(byte)(valid[0] | 0x06), .. valid[1..]] },
            { "identifier 0", [.. valid[..5], 0, 0, .. valid[7..]] },
            { "not a PUBLISH", Codec.Encode(new PubAckPacket(1), MqttProtocolVersion.V500) },
            { "garbage", [0xDE, 0xAD, 0xBE, 0xEF] },
        };
    }

    [Theory] // anything the codec did not write → InvalidDataException, never a half-read message
    [MemberData(nameof(CorruptBytes))]
    public void StoredMessageCodec_CorruptBytes_InvalidDataException(string name, byte[] bytes)
    {
        Assert.NotNull(name);
        Assert.Throws<InvalidDataException>(() => StoredMessageCodec.Decode(bytes));
    }

    /// <summary>Messages the application may publish at QoS 1/2 under 5.0: no alias, no subscription identifiers.</summary>
    private static Gen<OutboundMessage> StorableMessage =>
        from p in PacketGen.Publish(MqttProtocolVersion.V500)
        where p.Qos != MqttQos.AtMostOnce && p.TopicName.ToString().Length > 0
        select new OutboundMessage(
            p.TopicName.ToString(),
            p.Payload.ToArray(),
            p.Qos,
            p.Retain,
            p.Properties with { TopicAlias = null, SubscriptionIdentifiers = default });

    [Property(MaxTest = 200)]
    public Property StoredMessageCodec_AnyMessage_RoundTrips() =>
        Prop.ForAll(Arb.From(StorableMessage), m =>
        {
            OutboundMessage back = StoredMessageCodec.Decode(StoredMessageCodec.Encode(m));
            return back.ToPacket(1, dup: false).Equals(m.ToPacket(1, dup: false)).Label($"{m.Topic} → {back.Topic}");
        });

    [Property(MaxTest = 200)]
    public Property StoredMessageCodec_OneByteChanged_DecodesOrInvalidDataException() =>
        Prop.ForAll(
            Arb.From(StorableMessage),
            Arb.From(Gen.Choose(0, int.MaxValue)),
            Arb.From(Gen.Choose(1, 255)),
            (m, at, flip) =>
            {
                byte[] bytes = StoredMessageCodec.Encode(m);
                bytes[at % bytes.Length] ^= (byte)flip;
                try
                {
                    OutboundMessage back = StoredMessageCodec.Decode(bytes);
                    return (back.Qos is MqttQos.AtLeastOnce or MqttQos.ExactlyOnce).Label($"decoded QoS {back.Qos}");
                }
                catch (InvalidDataException)
                {
                    return true.ToProperty();
                }
                catch (Exception ex)
                {
                    return false.Label($"{ex.GetType().Name}: {ex.Message}");
                }
            });
}
