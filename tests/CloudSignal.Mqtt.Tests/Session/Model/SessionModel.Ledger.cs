using System.Buffers.Binary;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Session.Model;

/// <summary>The client side of the ledger and the invariants (numbered as in SessionModelProperties).</summary>
internal sealed partial class SessionModel
{
    private readonly List<OutMessage> _out = [];
    private readonly Dictionary<long, OutMessage> _byToken = [];
    private readonly List<int> _firstTransmissions = [];

    /// <summary>Identifiers of client QoS 1/2 publishes in flight, as seen on the wire, until their completion.</summary>
    private readonly Dictionary<ushort, OutMessage> _idOwner = [];

    /// <summary>5.0 send quota: identifiers of PUBLISH written on this connection and not yet answered (§4.9).</summary>
    private readonly HashSet<ushort> _quota = [];
    private readonly Dictionary<ushort, string> _aliases = [];
    private int _serverReceiveMaximum;
    private ushort _topicAliasMaximum;
    private int _lastOrderedOnConnection;

    private TimeSpan _lastWrite;
    private bool _keepAliveTimedOut;

    /// <summary>When the PINGREQ now awaiting its PINGRESP (as the client sees it) was written.</summary>
    private TimeSpan? _pingSince;

    /// <summary>Server session generation: bumps when CONNACK says session present 0.</summary>
    private int _epoch;

    private OutMessage NewOutMessage(PublishStep p)
    {
        var message = new OutMessage(_out.Count + 1, p.Qos, p.Retain, $"c/{p.Topic}");
        _out.Add(message);
        return message;
    }

    private static int MessageNumber(byte[] payload) =>
        payload.Length == 5 ? BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(1)) : -1;

    private static void Fail(string message) => throw new ModelViolationException(message);

    private void OnEvent(SessionEvent e)
    {
        switch (e.Kind)
        {
            case SessionEventKind.PublishCompleted:
                OnCompleted(e);
                break;

            case SessionEventKind.Closed:
                var info = (CloseInfo)e.Detail!;
                Trace($"   client closed: {info.Reason} 0x{(byte)info.ReasonCode:X2} {info.Message}");
                _keepAliveTimedOut |= info.Reason == CloseReason.KeepAliveTimeout;
                if (info.Reason is not (CloseReason.ConnectionLost or CloseReason.KeepAliveTimeout or CloseReason.LocalDisconnect))
                {
                    // The scripted server is correct: nothing it does may look like a violation.
                    Fail($"the session closed with {info.Reason} 0x{(byte)info.ReasonCode:X2}: {info.Message}");
                }

                break;

            case SessionEventKind.Connected:
                break;

            default:
                Fail($"unexpected event {e.Kind}");
                break;
        }
    }

    private void OnCompleted(SessionEvent e)
    {
        if (!_byToken.TryGetValue(e.Token, out OutMessage? m))
        {
            Fail($"PublishCompleted for unknown token {e.Token}");
            return;
        }

        Trace($"   client event: m={m.Number} completed 0x{(byte)e.ReasonCode:X2}");

        // Invariant 1: exactly once per publish (here: never twice).
        if (++m.Completions > 1)
        {
            Fail($"m={m.Number} (QoS {(int)m.Qos}) completed {m.Completions} times");
        }

        if (m.Qos == MqttQos.AtMostOnce)
        {
            return;
        }

        // A QoS 1/2 flow ends on the server's word: PUBACK/PUBCOMP, a failure, or PUBREC before a lost session.
        if (!m.Answered && !m.Refused && !m.PastPubRec)
        {
            Fail($"m={m.Number} (QoS {(int)m.Qos}) completed 0x{(byte)e.ReasonCode:X2} before the server answered it");
        }

        // 1b: the outcome is the server's: failure only if the server refused it.
        // (A PUBCOMP 0x92 after a resumed PUBREL is "not an error during recovery", 5.0 §3.7.2.1.)
        if (!e.IsSuccess && !m.Refused)
        {
            Fail($"m={m.Number} (QoS {(int)m.Qos}) completed as failed (0x{(byte)e.ReasonCode:X2}) but the server accepted it");
        }

        if (e.IsSuccess && m.Refused)
        {
            Fail($"m={m.Number} completed as success but the server refused it");
        }

        if (m.Written && _idOwner.TryGetValue(m.Id, out OutMessage? owner) && owner == m)
        {
            _idOwner.Remove(m.Id);
        }
    }

    /// <summary>Keep alive: a PINGREQ exactly one keep alive period after the last packet, one at a time [MQTT-3.1.2-23].</summary>
    private void OnClientWroteAt(TimeSpan at, IMqttPacket packet)
    {
        if (packet is PingReqPacket)
        {
            // The harness fires each timer exactly at its deadline; all model times are whole seconds.
            if (at - _lastWrite != KeepAlive || _pingSince is not null)
            {
                Fail($"PINGREQ at {at}: last packet written at {_lastWrite}, PINGREQ outstanding since {_pingSince?.ToString() ?? "-"}");
            }

            _pingSince = at;
        }

        _lastWrite = at;
    }

    /// <summary>After the writes of the same call (the PINGREQ may go out and time out in one Advance).</summary>
    private void CheckKeepAliveTimeout()
    {
        if (_keepAliveTimedOut && (_pingSince is not TimeSpan ping || _h.Now - ping < KeepAlive / 2))
        {
            // The response timeout defaults to half the keep alive period: dead at 1.5 × keep alive (5.0 §3.1.2.10).
            Fail($"keep alive timeout by {_h.Now}; PINGREQ awaiting PINGRESP since {_pingSince?.ToString() ?? "never"}");
        }

        _keepAliveTimedOut = false;
    }

    /// <summary>Checks each packet as the client writes it (the server's reading comes later).</summary>
    private void OnClientWrote(IMqttPacket packet)
    {
        Trace($"   client → {Describe(packet)}");
        if (packet is PubRelPacket rel && rel.ReasonCode == MqttReasonCode.Success &&
            (!_idOwner.TryGetValue(rel.PacketIdentifier, out OutMessage? r) || !r.PastPubRec))
        {
            Fail($"PUBREL id={rel.PacketIdentifier} for a flow that has not had its PUBREC [MQTT-4.3.3-4]");
        }

        if (packet is not PublishPacket p)
        {
            return;
        }

        int number = MessageNumber(p.Payload.ToArray());
        if (number < 1 || number > _out.Count)
        {
            Fail($"PUBLISH with an unknown payload {p.Payload}");
        }

        OutMessage m = _out[number - 1];
        CheckTopic(p, m);
        if (p.Qos != m.Qos || p.Retain != m.Retain)
        {
            Fail($"m={m.Number} written with QoS {(int)p.Qos} retain {p.Retain}; published with QoS {(int)m.Qos} retain {m.Retain}");
        }

        if (m.Qos == MqttQos.AtMostOnce)
        {
            if (m.Written || p.Dup)
            {
                Fail($"QoS 0 m={m.Number} written again or with DUP [MQTT-3.3.1-2]");
            }

            m.Written = true;
            return;
        }

        ushort id = p.PacketIdentifier;

        // Invariant 2: an identifier in flight belongs to one message.
        if (_idOwner.TryGetValue(id, out OutMessage? other) && other != m)
        {
            Fail($"m={m.Number} written with id={id}, still in flight for m={other.Number} [MQTT-2.2.1-3]");
        }

        if (m.Written && m.Epoch == _epoch)
        {
            // A resend within the same server session: another connection, same identifier, DUP=1.
            if (m.LastConnection == _connection || id != m.Id || !p.Dup || m.PastPubRec)
            {
                Fail($"m={m.Number} resent as id={id} dup={p.Dup} on connection {_connection}; before: id={m.Id} on connection {m.LastConnection}, past PUBREC {m.PastPubRec} [MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-4.3.3-5]");
            }
        }
        else if (!m.Written)
        {
            if (p.Dup)
            {
                Fail($"m={m.Number} first transmission has DUP=1 [MQTT-3.3.1-1]");
            }

            // Invariant 5: first transmissions follow the order of Publish calls.
            _firstTransmissions.Add(m.Number);
            int[] expected = _out.Where(o => o.Qos != MqttQos.AtMostOnce).Take(_firstTransmissions.Count).Select(o => o.Number).ToArray();
            if (!expected.SequenceEqual(_firstTransmissions))
            {
                Fail($"first transmissions [{string.Join(",", _firstTransmissions)}] are not in publish order [{string.Join(",", expected)}]");
            }
        }

        // 5b: on one connection, QoS 1/2 PUBLISH go out in original order, resends first [MQTT-4.6.0-1].
        if (m.Number <= _lastOrderedOnConnection)
        {
            Fail($"m={m.Number} written after m={_lastOrderedOnConnection} on connection {_connection} [MQTT-4.6.0-1]");
        }

        _lastOrderedOnConnection = m.Number;
        m.Written = true;
        m.Epoch = _epoch;
        m.Id = id;
        m.LastConnection = _connection;
        _idOwner[id] = m;

        // Invariant 3 (5.0 §4.9): no more unanswered QoS 1/2 PUBLISH on this connection than the server's Receive Maximum.
        if (V5 && _quota.Add(id) && _quota.Count > _serverReceiveMaximum)
        {
            Fail($"{_quota.Count} QoS 1/2 PUBLISH unanswered on connection {_connection}; the server's Receive Maximum is {_serverReceiveMaximum} [MQTT-4.9.0-2]");
        }
    }

    /// <summary>5.0 outbound topic aliases: resolvable on this connection and within the server's maximum [MQTT-3.3.2-8] [MQTT-3.3.2-9].</summary>
    private void CheckTopic(in PublishPacket p, OutMessage m)
    {
        string topic = p.TopicName.ToString();
        if (p.Properties.TopicAlias is ushort alias)
        {
            if (alias == 0 || alias > _topicAliasMaximum)
            {
                Fail($"topic alias {alias} outside 1..{_topicAliasMaximum}");
            }

            if (topic.Length > 0)
            {
                _aliases[alias] = topic;
            }
            else if (!_aliases.TryGetValue(alias, out topic!))
            {
                Fail($"topic alias {alias} used before it was set on connection {_connection}");
            }
        }

        if (topic != m.Topic)
        {
            Fail($"m={m.Number} written to '{topic}', published to '{m.Topic}'");
        }
    }

    /// <summary>Bookkeeping for a server packet about to reach the client: what the client now knows.</summary>
    private void BeforeClientReceives(IMqttPacket packet)
    {
        Trace($"   client ← {Describe(packet)}");
        if (packet is PingRespPacket)
        {
            _pingSince = null;
        }

        if (packet is not (PubAckPacket or PubRecPacket or PubCompPacket))
        {
            return;
        }

        (ushort id, MqttReasonCode code) = packet switch
        {
            PubAckPacket a => (a.PacketIdentifier, a.ReasonCode),
            PubRecPacket r => (r.PacketIdentifier, r.ReasonCode),
            _ => (((PubCompPacket)packet).PacketIdentifier, ((PubCompPacket)packet).ReasonCode),
        };
        bool failed = (byte)code >= 0x80;
        if (packet is not PubRecPacket || failed)
        {
            // §4.9: PUBACK, PUBCOMP and a failed PUBREC give back quota.
            _quota.Remove(id);
        }

        if (!_idOwner.TryGetValue(id, out OutMessage? m))
        {
            return; // a late duplicate
        }

        switch (packet)
        {
            case PubRecPacket when !failed: m.PastPubRec = true; break;
            case PubCompPacket: m.Answered = true; break;
            default:
                m.Refused |= failed;
                m.Answered |= !failed;
                break;
        }
    }

    /// <summary>Invariant 4 (at any time): QoS 0 and QoS 2 messages are never delivered twice.</summary>
    private void OnDelivered(ReceivedMessage received)
    {
        int number = MessageNumber(received.Payload);
        if (received.Payload[0] != 'S' || number < 1 || number > _in.Count)
        {
            Fail($"delivered an unknown message {Convert.ToHexString(received.Payload)}");
        }

        InMessage m = _in[number - 1];
        m.Deliveries++;
        Trace($"   client delivers s={m.Number} (QoS {(int)m.Qos}), delivery {m.Deliveries}");
        if (received.Topic != m.Topic || received.Qos != m.Qos || received.Retain != m.Retain)
        {
            Fail($"s={m.Number} delivered as {received}");
        }

        if (m.Qos != MqttQos.AtLeastOnce && m.Deliveries > 1)
        {
            Fail($"QoS {(int)m.Qos} message s={m.Number} delivered {m.Deliveries} times [MQTT-4.3.3-9]");
        }
    }

    /// <summary>Checks that hold between any two steps.</summary>
    private void AfterStep()
    {
        foreach (OutMessage m in _out)
        {
            if (m.Qos == MqttQos.AtMostOnce && m.Written != (m.Completions == 1))
            {
                Fail($"QoS 0 m={m.Number}: written {m.Written}, completed {m.Completions} times");
            }
        }

        // [MQTT-3.1.2-23]: while connected, the client is never silent longer than the keep alive.
        if (_connected && _h.Now - _lastWrite > KeepAlive)
        {
            Fail($"connected and silent since {_lastWrite} at {_h.Now}: longer than the keep alive {KeepAlive}");
        }

        if (_connected != (_h.Session.State == SessionState.Connected))
        {
            Fail($"the model thinks connected={_connected}; the session is {_h.Session.State}");
        }
    }

    private void FinalChecks()
    {
        foreach (OutMessage m in _out)
        {
            if (m.Completions != 1)
            {
                Fail($"m={m.Number} (QoS {(int)m.Qos}) completed {m.Completions} times after settling");
            }

            // The server took each QoS 2 message once, unless its session was lost with the message in flight.
            if (m.Qos == MqttQos.ExactlyOnce && !m.InFlightAtSessionLoss && !m.Refused && m.ServerAccepts != 1)
            {
                Fail($"QoS 2 m={m.Number} accepted by the server {m.ServerAccepts} times");
            }

            if (m.Qos == MqttQos.AtLeastOnce && !m.Refused && m.ServerAccepts < 1)
            {
                Fail($"QoS 1 m={m.Number} never accepted by the server");
            }
        }

        foreach (InMessage m in _in)
        {
            bool bad = m.Qos switch
            {
                MqttQos.ExactlyOnce => m.Lost ? m.Deliveries > 1 : m.Deliveries != 1,
                MqttQos.AtLeastOnce => !m.Lost && m.Deliveries < 1,
                _ => m.Deliveries > 1,
            };
            if (bad)
            {
                Fail($"QoS {(int)m.Qos} message s={m.Number} (lost with a session: {m.Lost}) delivered {m.Deliveries} times");
            }
        }

        if (_h.Session.InboundAwaitingReleaseCount != 0)
        {
            Fail($"{_h.Session.InboundAwaitingReleaseCount} inbound QoS 2 identifiers still held after every PUBREL");
        }
    }
}
