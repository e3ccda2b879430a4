using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Tests.Session.Model;

internal enum OwedKind
{
    PubAck,
    PubRec,
    PubComp,
    PubRel,
    PingResp,
}

/// <summary>A response the server owes on this connection (it read the packet that calls for it).</summary>
internal sealed record Owed(OwedKind Kind, ushort Id, MqttReasonCode Code = MqttReasonCode.Success, OutMessage? Message = null);

internal enum ServerFlowState
{
    AwaitPubAck,
    AwaitPubRec,

    /// <summary>PUBREC read; PUBREL owed.</summary>
    PubRecReceived,
    AwaitPubComp,
}

/// <summary>A server → client QoS 1/2 flow (server session state).</summary>
internal sealed class ServerFlow(InMessage message, ServerFlowState state)
{
    public InMessage Message => message;

    public ServerFlowState State { get; set; } = state;
}

internal enum HeldState
{
    /// <summary>PUBLISH read, PUBREC not yet sent.</summary>
    Received,
    RecSent,

    /// <summary>PUBREL read, PUBCOMP not yet sent.</summary>
    Released,
}

/// <summary>
/// The scripted server: a correct MQTT server given what it has read. It answers only packets it
/// read on the current connection, in any order it likes (the brief's reordering), sometimes twice,
/// and (5.0) sometimes with a failure code. Its session state, kept across connections while it
/// says session present 1 and forgotten when it says 0 [MQTT-3.2.2-3], is: the client's QoS 2
/// messages by identifier until it has sent PUBCOMP (method A of 5.0 §4.3.3: it accepts the message
/// when it sends the first successful PUBREC), and its own QoS 1/2 flows to the client, which it
/// resends after a CONNACK with session present 1 (PUBLISH with DUP=1, or PUBREL) in original
/// order [MQTT-4.4.0-1]. It fills the client's Receive Maximum as far as §4.9 allows (5.0), allocates the lowest
/// free identifier (so identifiers are reused soon after they are freed), and never re-sends on the
/// same connection under 5.0 [MQTT-4.4.0-1]; under 3.1.1 it may (a duplicate PUBLISH before PUBREL),
/// and then does not reuse that identifier on that connection, so that a second answer to the
/// duplicate cannot be taken for an answer to a new message.
/// </summary>
internal sealed partial class SessionModel
{
    private static readonly MqttReasonCode[] FailureCodes =
    [
        MqttReasonCode.UnspecifiedError, MqttReasonCode.ImplementationSpecificError, MqttReasonCode.NotAuthorized,
        MqttReasonCode.QuotaExceeded, MqttReasonCode.PayloadFormatInvalid,
    ];

    private readonly List<InMessage> _in = [];
    private readonly SortedDictionary<ushort, ServerFlow> _serverOut = [];
    private readonly Dictionary<ushort, (OutMessage Message, HeldState State)> _held = [];
    private readonly List<Owed> _owed = [];
    private readonly HashSet<ushort> _tainted = [];

    /// <summary>5.0 §4.9 send quota: QoS 1/2 PUBLISH sent on this connection, not yet answered by PUBACK/PUBCOMP.</summary>
    private readonly HashSet<ushort> _serverQuota = [];
    private bool _serverHasSession;

    private void ServerRead(int count)
    {
        for (int n = 0; _connected && _toServer.Count > 0 && (count == 0 || n < count); n++)
        {
            IMqttPacket packet = _toServer.Dequeue();
            Trace($"   server ← {Describe(packet)}");
            switch (packet)
            {
                case PublishPacket p: ServerReadPublish(p); break;
                case PubRelPacket rel: ServerReadPubRel(rel.PacketIdentifier); break;
                case PubAckPacket a:
                    if (_serverOut.TryGetValue(a.PacketIdentifier, out ServerFlow? f1) && f1.State == ServerFlowState.AwaitPubAck)
                    {
                        _serverOut.Remove(a.PacketIdentifier);
                        _serverQuota.Remove(a.PacketIdentifier);
                    }

                    break;
                case PubRecPacket r:
                    if (_serverOut.TryGetValue(r.PacketIdentifier, out ServerFlow? f2) && f2.State == ServerFlowState.AwaitPubRec)
                    {
                        f2.State = ServerFlowState.PubRecReceived;
                        Owe(new Owed(OwedKind.PubRel, r.PacketIdentifier));
                    }

                    break;
                case PubCompPacket c:
                    if (_serverOut.TryGetValue(c.PacketIdentifier, out ServerFlow? f3) && f3.State == ServerFlowState.AwaitPubComp)
                    {
                        _serverOut.Remove(c.PacketIdentifier);
                        _serverQuota.Remove(c.PacketIdentifier);
                    }

                    break;
                case PingReqPacket: Owe(new Owed(OwedKind.PingResp, 0)); break;
                case DisconnectPacket: break;
                default: Fail($"the client sent {Describe(packet)} to the server"); break;
            }
        }
    }

    private void ServerReadPublish(in PublishPacket p)
    {
        OutMessage m = _out[MessageNumber(p.Payload.ToArray()) - 1];
        ushort id = p.PacketIdentifier;
        switch (p.Qos)
        {
            case MqttQos.AtLeastOnce:
                Owe(new Owed(OwedKind.PubAck, id, Message: m));
                break;

            case MqttQos.ExactlyOnce when _held.TryGetValue(id, out (OutMessage Message, HeldState State) held):
                if (held.Message != m || held.State == HeldState.Released)
                {
                    Fail($"PUBLISH id={id} m={m.Number} while the server holds id={id} for m={held.Message.Number} ({held.State}) [MQTT-2.2.1-3] [MQTT-4.3.3-5]");
                }

                Owe(new Owed(OwedKind.PubRec, id, Message: m));
                break;

            case MqttQos.ExactlyOnce:
                _held[id] = (m, HeldState.Received);
                Owe(new Owed(OwedKind.PubRec, id, Message: m));
                break;
        }
    }

    private void ServerReadPubRel(ushort id)
    {
        if (!_held.TryGetValue(id, out (OutMessage Message, HeldState State) held))
        {
            // We already sent PUBCOMP and forgot the flow; 5.0 §3.7.2.1: 0x92 (not an error during recovery).
            Owe(new Owed(OwedKind.PubComp, id, V5 ? MqttReasonCode.PacketIdentifierNotFound : MqttReasonCode.Success));
            return;
        }

        if (held.State == HeldState.Received)
        {
            Fail($"PUBREL id={id} before the server sent PUBREC [MQTT-4.3.3-4]");
        }

        _held[id] = (held.Message, HeldState.Released);
        Owe(new Owed(OwedKind.PubComp, id, Message: held.Message));
    }

    /// <summary>Adds an owed response unless the same one is already owed.</summary>
    private void Owe(Owed owed)
    {
        if (!_owed.Contains(owed))
        {
            _owed.Add(owed);
        }
    }

    private void ServerAct(int pick, ActVariant variant)
    {
        if (!_connected || _owed.Count == 0)
        {
            return;
        }

        Owed o = _owed[pick % _owed.Count];
        _owed.Remove(o);
        int copies = variant == ActVariant.Duplicate ? 2 : 1;
        bool fail = variant == ActVariant.Fail && V5;
        MqttReasonCode failure = FailureCodes[pick % FailureCodes.Length];
        switch (o.Kind)
        {
            case OwedKind.PubAck:
                if (!fail)
                {
                    o.Message!.ServerAccepts++;
                }

                Send(copies, new PubAckPacket(o.Id, fail ? failure : MqttReasonCode.Success));
                break;

            case OwedKind.PubRec:
                if (!_held.TryGetValue(o.Id, out (OutMessage Message, HeldState State) held) || held.Message != o.Message)
                {
                    return; // superseded (cannot happen with this server; kept as a guard)
                }

                // Having accepted it (PUBREC success sent), the server answers a resend the same way.
                fail &= held.State == HeldState.Received;
                if (fail)
                {
                    // 5.0 §4.3.3: a failed PUBREC ends the flow; the server keeps nothing.
                    _held.Remove(o.Id);
                }
                else if (held.State == HeldState.Received)
                {
                    _held[o.Id] = (held.Message, HeldState.RecSent);
                    o.Message!.ServerAccepts++;
                }

                Send(copies, new PubRecPacket(o.Id, fail ? failure : MqttReasonCode.Success));
                break;

            case OwedKind.PubComp:
                if (_held.TryGetValue(o.Id, out held) && held.State == HeldState.Released)
                {
                    _held.Remove(o.Id);
                }

                Send(copies, new PubCompPacket(o.Id, o.Code));
                break;

            case OwedKind.PubRel:
                if (_serverOut.TryGetValue(o.Id, out ServerFlow? flow) && flow.State == ServerFlowState.PubRecReceived)
                {
                    flow.State = ServerFlowState.AwaitPubComp;
                    Send(copies, new PubRelPacket(o.Id));
                }

                break;

            case OwedKind.PingResp:
                Send(copies, default(PingRespPacket));
                break;
        }
    }

    private void Send<TPacket>(int copies, TPacket packet)
        where TPacket : IMqttPacket
    {
        for (int i = 0; i < copies; i++)
        {
            SendToClient(packet);
        }
    }

    private void ServerPublish(MqttQos qos, bool retain)
    {
        if (!_connected || (qos != MqttQos.AtMostOnce && V5 && _serverQuota.Count >= ClientReceiveMaximum))
        {
            // 5.0 §4.9: the server respects the Receive Maximum the client sent, counting exactly as
            // the spec does (PUBLISH sent on this connection until PUBACK/PUBCOMP), so flows past
            // PUBREC from an earlier connection do not count: the most a correct server may send.
            return;
        }

        var m = new InMessage(_in.Count + 1, qos, retain);
        _in.Add(m);
        ushort id = 0;
        if (qos != MqttQos.AtMostOnce)
        {
            id = 1;
            while (_serverOut.ContainsKey(id) || _tainted.Contains(id))
            {
                id++;
            }

            _serverOut[id] = new ServerFlow(m, qos == MqttQos.AtLeastOnce ? ServerFlowState.AwaitPubAck : ServerFlowState.AwaitPubRec);
        }

        SendPublish(m, id, dup: false);
    }

    private void ServerDuplicate(int pick)
    {
        if (!_connected || V5)
        {
            return; // 5.0 [MQTT-4.4.0-1]: no resend except on reconnect
        }

        var candidates = _serverOut.Where(f => f.Value.State != ServerFlowState.AwaitPubComp).ToList();
        if (candidates.Count > 0)
        {
            (ushort id, ServerFlow flow) = candidates[pick % candidates.Count];
            _tainted.Add(id);
            SendPublish(flow.Message, id, dup: true);
        }
    }

    private void SendPublish(InMessage m, ushort id, bool dup)
    {
        if (m.Qos != MqttQos.AtMostOnce && _serverQuota.Add(id) && V5 && _serverQuota.Count > ClientReceiveMaximum)
        {
            throw new InvalidOperationException("model bug: the scripted server would exceed the client's Receive Maximum");
        }

        SendToClient(ServerPublishPacket(m, id, dup));
    }

    private static PublishPacket ServerPublishPacket(InMessage m, ushort id, bool dup) => new()
    {
        Dup = dup,
        Qos = m.Qos,
        Retain = m.Retain,
        TopicName = m.Topic,
        PacketIdentifier = id,
        Payload = OutMessage.Encode('S', m.Number),
    };

    /// <summary>CONNACK session present 0: the server forgets both directions' flows.</summary>
    private void ResetServerSession()
    {
        foreach (ServerFlow flow in _serverOut.Values)
        {
            // Past PUBREC the client has delivered it; before, it may never be.
            flow.Message.Lost |= flow.State is ServerFlowState.AwaitPubAck or ServerFlowState.AwaitPubRec;
        }

        _serverOut.Clear();
        _held.Clear();
        foreach (OutMessage m in _out)
        {
            m.InFlightAtSessionLoss |= m.Qos != MqttQos.AtMostOnce && m.Written && m.Completions == 0;
        }

        _idOwner.Clear();
        _epoch++;
    }

    /// <summary>CONNACK session present 1: resend the server's unacknowledged PUBLISH (DUP) and PUBREL in original order.</summary>
    private void ResumeServerSession()
    {
        foreach ((ushort id, ServerFlow flow) in _serverOut.OrderBy(f => f.Value.Message.Number))
        {
            if (flow.State is ServerFlowState.AwaitPubAck or ServerFlowState.AwaitPubRec)
            {
                SendPublish(flow.Message, id, dup: true);
            }
            else
            {
                flow.State = ServerFlowState.AwaitPubComp;
                SendToClient(new PubRelPacket(id));
            }
        }
    }
}
