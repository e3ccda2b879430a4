using System.Runtime.InteropServices;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/// <summary>A publish not yet given a packet identifier (or, at QoS 0, not yet queued to send).</summary>
internal readonly record struct PendingPublish(long Token, OutboundMessage Message);

internal enum InflightState : byte
{
    AwaitingPubAck,
    AwaitingPubRec,
    AwaitingPubComp,
}

/// <summary>An outbound QoS 1/2 flow, indexed by its packet identifier.</summary>
internal struct InflightPublish
{
    public long Token;

    /// <summary>Send order, so a resumed session resends in the original order [MQTT-4.6.0-1].</summary>
    public long Sequence;
    public InflightState State;
    public OutboundMessage Message;

    /// <summary>Written at least once: a resend carries DUP.</summary>
    public bool Sent;

    /// <summary>Kept by a resumed session and not yet resent on this connection: outside the send quota.</summary>
    public bool AwaitingResend;
}

/// <summary>
/// Outbound QoS (5.0 §4.3): QoS 0 completes when written; QoS 1 PUBLISH → PUBACK; QoS 2
/// PUBLISH → PUBREC → PUBREL → PUBCOMP. At most the server's Receive Maximum flows are in
/// flight (5.0 §4.9); the rest wait in order, as do publishes when all 65,535 identifiers are
/// taken: back-pressure, not failure.
/// </summary>
internal sealed partial class MqttSession
{
    private readonly Dictionary<ushort, InflightPublish> _inflight = [];
    private Queue<PendingPublish> _pending = new();

    /// <summary>Flows of a resumed session still to resend, in original order, with their Sequence to skip stale entries.</summary>
    private readonly Queue<(ushort Id, long Sequence)> _resend = new();
    private int _awaitingResend;
    private long _nextToken;
    private long _nextSequence;

    /// <summary>QoS 1/2 flows in flight now.</summary>
    public int InflightCount => _inflight.Count;

    /// <summary>Publishes waiting for a connection, an identifier or room under the Receive Maximum.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>
    /// Queues a publish and returns its token; a <see cref="SessionEventKind.PublishCompleted"/>
    /// event with that token follows. Throws <see cref="MqttProtocolException"/> for a message the
    /// spec forbids and <see cref="MqttCapabilityException"/> for one the server said it cannot take.
    /// </summary>
    public long Publish(in OutboundMessage message)
    {
        if (message.Properties.TopicAlias is not null || message.Properties.SubscriptionIdentifiers.Count != 0)
        {
            // Topic aliases are the session's to assign; [MQTT-3.3.4-6] a client never sends subscription identifiers.
            throw new MqttProtocolException(MqttReasonCode.ProtocolError, "Topic Alias and Subscription Identifier are not set by the application");
        }

        message.ToPacket(packetIdentifier: 1, dup: false).GetRemainingLength(_version);
        if (CheckCapabilities(message, out MqttReasonCode code) is string problem)
        {
            throw new MqttCapabilityException(code, problem);
        }

        long token = ++_nextToken;
        StorePublish(token, message);
        _pending.Enqueue(new PendingPublish(token, message));
        DrainPending();
        return token;
    }

    /// <summary>Flows counted against the server's Receive Maximum: in flight and sent on this connection.</summary>
    private int SendQuotaUsed => _inflight.Count - _awaitingResend;

    /// <summary>
    /// Moves resends and pending publishes into the transmit queue, in publish order, while the
    /// connection and the limits allow. Resends of a resumed session come before anything
    /// published after them; with <paramref name="resendsOnly"/>, stops once they are all out.
    /// </summary>
    private void DrainPending(bool resendsOnly = false)
    {
        while (State == SessionState.Connected)
        {
            bool hasNext = _pending.TryPeek(out PendingPublish next);
            if (TryPeekResend(out ushort resendId, out long resendToken) && (!hasNext || resendToken < next.Token))
            {
                if (SendQuotaUsed >= _serverReceiveMaximum)
                {
                    return; // 5.0 §4.9: a resend is a QoS 1/2 PUBLISH (or PUBREL) like any other
                }

                _resend.Dequeue();
                ref InflightPublish flow = ref CollectionsMarshal.GetValueRefOrNullRef(_inflight, resendId);
                flow.AwaitingResend = false;
                _awaitingResend--;
                _transmit.Enqueue(flow.State == InflightState.AwaitingPubComp
                    ? new Outgoing(OutgoingKind.PubRel, resendId)
                    : new Outgoing(OutgoingKind.PublishInflight, resendId));
                continue;
            }

            if (!hasNext || (resendsOnly && _awaitingResend == 0))
            {
                return;
            }

            if (CheckCapabilities(next.Message, out MqttReasonCode code) is string problem)
            {
                // Queued before this connection's CONNACK lowered a limit.
                _pending.Dequeue();
                if (next.Message.Qos != MqttQos.AtMostOnce)
                {
                    _store?.RemovePublish(next.Token);
                }

                _events.Enqueue(new SessionEvent(SessionEventKind.PublishCompleted, next.Token, code, problem));
                continue;
            }

            if (next.Message.Qos == MqttQos.AtMostOnce)
            {
                _pending.Dequeue();
                _transmit.Enqueue(new Outgoing(OutgoingKind.PublishQos0, Token: next.Token, Message: next.Message));
                continue;
            }

            if (SendQuotaUsed >= _serverReceiveMaximum || !_packetIds.TryAllocate(out ushort id))
            {
                return;
            }

            _pending.Dequeue();
            _inflight[id] = new InflightPublish
            {
                Token = next.Token,
                Sequence = ++_nextSequence,
                State = next.Message.Qos == MqttQos.AtLeastOnce ? InflightState.AwaitingPubAck : InflightState.AwaitingPubRec,
                Message = next.Message,
            };
            _transmit.Enqueue(new Outgoing(OutgoingKind.PublishInflight, id));
        }
    }

    /// <summary>The next flow to resend, skipping entries for flows that ended (or were answered) meanwhile.</summary>
    private bool TryPeekResend(out ushort id, out long token)
    {
        while (_resend.TryPeek(out (ushort Id, long Sequence) head))
        {
            ref InflightPublish flow = ref CollectionsMarshal.GetValueRefOrNullRef(_inflight, head.Id);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref flow) && flow.Sequence == head.Sequence && flow.AwaitingResend)
            {
                id = head.Id;
                token = flow.Token;
                return true;
            }

            _resend.Dequeue();
        }

        id = 0;
        token = 0;
        return false;
    }

    /// <summary>Null when the server can take <paramref name="message"/>; otherwise why not.</summary>
    private string? CheckCapabilities(in OutboundMessage message, out MqttReasonCode code)
    {
        if (message.Qos > _maximumQos)
        {
            code = MqttReasonCode.QoSNotSupported;
            return $"the server's Maximum QoS is {(int)_maximumQos}; this publish asks for QoS {(int)message.Qos}";
        }

        if (message.Retain && !_retainAvailable)
        {
            code = MqttReasonCode.RetainNotSupported;
            return "the server does not support retained messages (Retain Available = 0)";
        }

        int size = PacketEncoder.GetSize(message.ToPacket(1, dup: false), _version);
        if ((uint)size > _serverMaximumPacketSize)
        {
            // [MQTT-3.1.2-24]: never send a packet above the server's Maximum Packet Size.
            code = MqttReasonCode.PacketTooLarge;
            return $"the PUBLISH is {size} bytes; the server's Maximum Packet Size is {_serverMaximumPacketSize}";
        }

        code = MqttReasonCode.Success;
        return null;
    }

    private void OnPubAck(in PubAckPacket packet)
    {
        ref InflightPublish entry = ref CollectionsMarshal.GetValueRefOrNullRef(_inflight, packet.PacketIdentifier);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) && entry.State == InflightState.AwaitingPubAck && entry.Sent)
        {
            Complete(packet.PacketIdentifier, entry.Token, packet.ReasonCode, packet.Properties.ReasonString);
        }

        // Otherwise a late duplicate for a flow already completed, or an ack for a PUBLISH not yet
        // written (it cannot acknowledge anything [MQTT-4.3.2-3]): nothing to do.
    }

    private void OnPubRec(in PubRecPacket packet)
    {
        ushort id = packet.PacketIdentifier;
        ref InflightPublish entry = ref CollectionsMarshal.GetValueRefOrNullRef(_inflight, id);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) || entry.State == InflightState.AwaitingPubAck || !entry.Sent)
        {
            // 5.0 §3.6.2.1: answer an identifier we do not know with 0x92.
            _transmit.Enqueue(new Outgoing(OutgoingKind.PubRel, id, _version == MqttProtocolVersion.V500 ? MqttReasonCode.PacketIdentifierNotFound : MqttReasonCode.Success));
            return;
        }

        if (entry.State == InflightState.AwaitingPubComp)
        {
            // A repeated PUBREC: the server has not seen our PUBREL. Whatever its code, the server
            // took the message at the first PUBREC, so the flow goes on: PUBREL again.
            _transmit.Enqueue(new Outgoing(OutgoingKind.PubRel, id));
            return;
        }

        if ((byte)packet.ReasonCode >= 0x80)
        {
            // 5.0 §4.3.3: a failed PUBREC ends the flow; no PUBREL follows.
            Complete(id, entry.Token, packet.ReasonCode, packet.Properties.ReasonString);
            return;
        }

        // [MQTT-4.3.3-4]: PUBREL, and the message is no longer resent, only the PUBREL.
        entry.State = InflightState.AwaitingPubComp;
        _store?.MarkReleased(entry.Token);
        if (entry.AwaitingResend)
        {
            // The server had the PUBLISH from before the reconnect: this PUBREL is the resend.
            entry.AwaitingResend = false;
            _awaitingResend--;
        }

        _transmit.Enqueue(new Outgoing(OutgoingKind.PubRel, id));
    }

    private void OnPubComp(in PubCompPacket packet)
    {
        ref InflightPublish entry = ref CollectionsMarshal.GetValueRefOrNullRef(_inflight, packet.PacketIdentifier);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) && entry.State == InflightState.AwaitingPubComp)
        {
            // The server owned the message from its PUBREC (5.0 §4.3.3). PUBCOMP 0x92 means it had
            // already finished the flow (its first PUBCOMP was lost with a connection); 5.0 §3.7.2.1
            // calls that "not an error during recovery". Either way the publish succeeded.
            Complete(packet.PacketIdentifier, entry.Token, MqttReasonCode.Success, packet.Properties.ReasonString);
        }
    }

    private void Complete(ushort id, long token, MqttReasonCode code, MqttString? reasonString)
    {
        if (_inflight.Remove(id, out InflightPublish flow) && flow.AwaitingResend)
        {
            _awaitingResend--;
        }

        _packetIds.Release(id);
        _store?.RemovePublish(token);
        _events.Enqueue(new SessionEvent(SessionEventKind.PublishCompleted, token, code, reasonString?.ToString()));
        DrainControl();
        DrainPending();
    }

    /// <summary>
    /// After CONNACK: with a session, resend unacknowledged PUBLISH (DUP) and PUBREL in original
    /// order before anything new [MQTT-4.4.0-1] [MQTT-4.6.0-1], within the new connection's
    /// Receive Maximum (5.0 §4.9: the send quota starts afresh; the rest follow as acks free it).
    /// Without one, the server kept nothing: flows past PUBREC were delivered (the server took
    /// ownership at PUBREC) and complete; the rest go again as new publishes, ahead of later ones.
    /// </summary>
    private void ResumeSession(bool sessionPresent)
    {
        _resend.Clear();
        _awaitingResend = 0;
        if (!sessionPresent)
        {
            _inboundQos2.Clear();
            _store?.ClearReceived();
        }

        if (_inflight.Count == 0)
        {
            return;
        }

        var flows = _inflight.OrderBy(f => f.Value.Sequence).ToList();
        if (sessionPresent)
        {
            foreach ((ushort id, InflightPublish flow) in flows)
            {
                CollectionsMarshal.GetValueRefOrNullRef(_inflight, id).AwaitingResend = true;
                _resend.Enqueue((id, flow.Sequence));
                _awaitingResend++;
            }

            DrainPending(resendsOnly: true);
            return;
        }

        var again = new List<PendingPublish>();
        foreach ((ushort id, InflightPublish flow) in flows)
        {
            _inflight.Remove(id);
            _packetIds.Release(id);
            if (flow.State == InflightState.AwaitingPubComp)
            {
                _store?.RemovePublish(flow.Token);
                _events.Enqueue(new SessionEvent(SessionEventKind.PublishCompleted, flow.Token));
            }
            else
            {
                _store?.SetPacketIdentifier(flow.Token, 0);
                again.Add(new PendingPublish(flow.Token, flow.Message));
            }
        }

        PushFrontPending(again);
    }

    /// <summary>
    /// Puts publishes taken back from a closed connection ahead of newer ones. Tokens grow in
    /// publish order, so sorting by token restores the order the application published in,
    /// across QoS levels (a QoS 0 never written keeps its place among the flows around it).
    /// </summary>
    private void PushFrontPending(List<PendingPublish> first)
    {
        if (first.Count > 0)
        {
            _pending = new Queue<PendingPublish>(first.Concat(_pending).OrderBy(p => p.Token));
        }
    }
}
