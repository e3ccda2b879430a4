using System.Runtime.InteropServices;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/// <summary>A SUBSCRIBE or UNSUBSCRIBE waiting for its identifier or its acknowledgement.</summary>
/// <param name="Token">Identifies the request in its completion event.</param>
/// <param name="Subscribe">The SUBSCRIBE, or null.</param>
/// <param name="Unsubscribe">The UNSUBSCRIBE, or null.</param>
/// <param name="Resubscribe">The session's own re-SUBSCRIBE after a lost session (no event; see MqttSession.Resubscribe.cs).</param>
internal readonly record struct ControlRequest(long Token, SubscribePacket? Subscribe, UnsubscribePacket? Unsubscribe, bool Resubscribe = false)
{
    public int FilterCount => Subscribe?.Subscriptions.Count ?? Unsubscribe!.Value.TopicFilters.Count;

    public IMqttPacket WithIdentifier(ushort id) =>
        Subscribe is SubscribePacket s ? s with { PacketIdentifier = id } : Unsubscribe!.Value with { PacketIdentifier = id };
}

/// <summary>
/// SUBSCRIBE → SUBACK and UNSUBSCRIBE → UNSUBACK (5.0 §3.8–3.11). Requests wait for a
/// connection and a free identifier; unacknowledged ones are sent again after a reconnect
/// (subscribing is idempotent). Features the server said it lacks fail locally.
/// </summary>
internal sealed partial class MqttSession
{
    private readonly Dictionary<ushort, ControlRequest> _awaitingAck = [];

    /// <summary>Identifiers of requests queued but not yet written: an acknowledgement for one is not genuine.</summary>
    private readonly HashSet<ushort> _unsentControl = [];
    private Queue<ControlRequest> _pendingControl = new();

    /// <summary>Queues a SUBSCRIBE (its identifier is assigned here); a SubscribeCompleted event follows.</summary>
    public long Subscribe(SubscribePacket request)
    {
        request = request with { PacketIdentifier = 1 };
        request.GetRemainingLength(_version);
        if (SubscribeCapabilityProblem(request, out MqttReasonCode code) is string problem)
        {
            throw new MqttCapabilityException(code, problem);
        }

        return Enqueue(new ControlRequest(++_nextToken, request, null));
    }

    /// <summary>Queues an UNSUBSCRIBE; an UnsubscribeCompleted event follows.</summary>
    public long Unsubscribe(UnsubscribePacket request)
    {
        (request with { PacketIdentifier = 1 }).GetRemainingLength(_version);
        return Enqueue(new ControlRequest(++_nextToken, null, request));
    }

    private long Enqueue(ControlRequest request)
    {
        _pendingControl.Enqueue(request);
        DrainControl();
        return request.Token;
    }

    /// <summary>Null when the server (5.0 CONNACK) supports what <paramref name="request"/> uses; otherwise why not.</summary>
    private string? SubscribeCapabilityProblem(in SubscribePacket request, out MqttReasonCode code)
    {
        code = MqttReasonCode.Success;
        if (_version != MqttProtocolVersion.V500)
        {
            return null;
        }

        if (request.Properties.SubscriptionIdentifier is not null && !_subscriptionIdentifiersAvailable)
        {
            code = MqttReasonCode.SubscriptionIdentifiersNotSupported;
            return "the server does not support Subscription Identifiers";
        }

        foreach (Subscription s in request.Subscriptions)
        {
            TopicFilter.Check(s.TopicFilter, _version, out bool shared);
            if (shared && !_sharedAvailable)
            {
                code = MqttReasonCode.SharedSubscriptionsNotSupported;
                return $"the server does not support shared subscriptions ({s.TopicFilter})";
            }

            if (!_wildcardAvailable && s.TopicFilter.ContainsAny('+', '#'))
            {
                code = MqttReasonCode.WildcardSubscriptionsNotSupported;
                return $"the server does not support wildcard subscriptions ({s.TopicFilter})";
            }
        }

        return null;
    }

    private void DrainControl()
    {
        while (State == SessionState.Connected && _pendingControl.TryPeek(out ControlRequest next))
        {
            if (next.Subscribe is SubscribePacket subscribe && SubscribeCapabilityProblem(subscribe, out MqttReasonCode code) is string problem)
            {
                // Queued before this connection's CONNACK said the server lacks a feature it uses.
                _pendingControl.Dequeue();
                RecordSubscriptions(next, Enumerable.Repeat(code, next.FilterCount).ToArray());
                if (!CompleteResubscribe(next))
                {
                    _events.Enqueue(new SessionEvent(SessionEventKind.SubscribeCompleted, next.Token, code, problem,
                        Enumerable.Repeat(code, next.FilterCount).ToArray()));
                }

                continue;
            }

            if (!_packetIds.TryAllocate(out ushort id))
            {
                return;
            }

            ControlRequest request = _pendingControl.Dequeue();
            _awaitingAck[id] = request;
            _unsentControl.Add(id);
            _transmit.Enqueue(Outgoing.Control(request.WithIdentifier(id)));
        }
    }

    private void OnSubAck(in SubAckPacket packet) =>
        Acknowledge(packet.PacketIdentifier, subscribe: true, packet.ReasonCodes, packet.Properties.ReasonString);

    private void OnUnsubAck(in UnsubAckPacket packet) =>
        Acknowledge(packet.PacketIdentifier, subscribe: false, packet.ReasonCodes, packet.Properties.ReasonString);

    private void Acknowledge(ushort id, bool subscribe, PacketList<MqttReasonCode> codes, MqttString? reasonString)
    {
        ref ControlRequest request = ref CollectionsMarshal.GetValueRefOrNullRef(_awaitingAck, id);
        string name = subscribe ? "SUBACK" : "UNSUBACK";
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref request) || (request.Subscribe is not null) != subscribe || _unsentControl.Contains(id))
        {
            Violation(MqttReasonCode.ProtocolError, $"{name} for packet identifier {id}, which no {(subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE")} is waiting for");
            return;
        }

        // 3.1.1 UNSUBACK carries no codes: every filter succeeded.
        MqttReasonCode[] perFilter = codes.Count == 0 && !subscribe && _version != MqttProtocolVersion.V500
            ? new MqttReasonCode[request.FilterCount]
            : codes.Span.ToArray();
        if (perFilter.Length != request.FilterCount)
        {
            // [MQTT-3.9.3-1] / [MQTT-3.11.3-1]: one reason code per topic filter, in order.
            Violation(MqttReasonCode.ProtocolError, $"{name} has {perFilter.Length} reason codes for {request.FilterCount} topic filters");
            return;
        }

        // Copied: the ref points into _awaitingAck, whose Remove clears the entry.
        ControlRequest acknowledged = request;
        long token = request.Token;
        RecordSubscriptions(acknowledged, perFilter);
        _awaitingAck.Remove(id);
        _packetIds.Release(id);
        MqttReasonCode summary = perFilter.FirstOrDefault(c => (byte)c >= 0x80, MqttReasonCode.Success);
        if (CompleteResubscribe(acknowledged))
        {
            DrainControl();
            DrainPending();
            return;
        }

        _events.Enqueue(new SessionEvent(
            subscribe ? SessionEventKind.SubscribeCompleted : SessionEventKind.UnsubscribeCompleted,
            token, summary, reasonString?.ToString(), perFilter));
        DrainControl();
        DrainPending();
    }

    /// <summary>On close: requests sent but not acknowledged go back to the front of the queue.</summary>
    private void RequeueUnacknowledgedControl()
    {
        if (_awaitingAck.Count == 0)
        {
            return;
        }

        var again = _awaitingAck.OrderBy(r => r.Value.Token).Select(r => r.Value).ToList();
        foreach (ushort id in _awaitingAck.Keys)
        {
            _packetIds.Release(id);
        }

        _awaitingAck.Clear();
        _unsentControl.Clear();
        _pendingControl = new Queue<ControlRequest>(again.Concat(_pendingControl));
    }
}
