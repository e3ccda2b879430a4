using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Session.Model;

/// <summary>An invariant broke. The message says which and why.</summary>
internal sealed class ModelViolationException(string message) : Exception(message);

/// <summary>
/// Runs one <see cref="ModelScenario"/> against a real <see cref="MqttSession"/> (through
/// <see cref="SessionHarness"/>) and a scripted, spec-correct server, checking invariants after
/// every step and after a final settle phase.
///
/// The wire is two in-order pipes (the harness decodes what the client writes; the server's packets
/// are encoded by our codec). Nothing crosses until a step says so, which is how acknowledgements
/// and data meet in flight. A drop (or any close) loses whatever is in both pipes, as a broken TCP
/// connection does. This file drives the steps; SessionModel.Server.cs is the server;
/// SessionModel.Ledger.cs checks the invariants against the records in ModelMessages.cs.
///
/// Keep alive is 10 s and <see cref="AdvanceStep"/> moves 1 to 12 s: PINGREQ goes out, and the
/// server answers it only when a step picks the owed PINGRESP and a step delivers it, so the
/// session also closes itself on keep alive timeouts. A close by the client counts as a drop.
/// </summary>
internal sealed partial class SessionModel
{
    private const int ClientReceiveMaximum = 4;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(10);
    private const int TraceLines = 200;

    private readonly SessionHarness _h;
    private readonly MqttProtocolVersion _version;
    private readonly Queue<IMqttPacket> _toServer = new();
    private readonly Queue<(byte[] Bytes, IMqttPacket Packet)> _toClient = new();
    private readonly List<string> _trace = [];
    private bool _connected;
    private int _connection;
    private int _eventsSeen;
    private int _logSeen;
    private int _messagesSeen;

    private SessionModel(MqttProtocolVersion version)
    {
        _version = version;
        _h = new SessionHarness(new SessionOptions
        {
            ProtocolVersion = version,
            ClientId = "model",
            CleanStart = false, // so that the server may keep a session [MQTT-3.2.2-2]
            KeepAlive = KeepAlive,
            SessionExpiryInterval = version == MqttProtocolVersion.V500 ? 3600u : 0u,
            ReceiveMaximum = version == MqttProtocolVersion.V500 ? (ushort)ClientReceiveMaximum : ushort.MaxValue,
            AutomaticTopicAliases = version == MqttProtocolVersion.V500,
        });
    }

    private bool V5 => _version == MqttProtocolVersion.V500;

    /// <summary>Runs <paramref name="scenario"/>; null when every invariant held, else what broke, with a trace.</summary>
    public static string? Check(ModelScenario scenario) => Check(scenario, out _);

    /// <summary>As <see cref="Check(ModelScenario)"/>, also giving the whole packet trace.</summary>
    public static string? Check(ModelScenario scenario, out IReadOnlyList<string> trace)
    {
        var model = new SessionModel(scenario.Version);
        trace = model._trace;
        int step = 0;
        try
        {
            model.Reconnect(scenario.FirstConnAck);
            model.AfterStep();
            foreach (ModelStep s in scenario.Steps)
            {
                step++;
                model.Trace($"-- step {step}: {s}");
                model.Apply(s);
                model.AfterStep();
            }

            step = -1;
            model.Trace("-- settle: reconnect with a session, deliver and acknowledge everything");
            model.Settle();
            model.FinalChecks();
            return null;
        }
        catch (Exception ex)
        {
            string where = step switch { 0 => "at the first connect", -1 => "in the settle phase", _ => $"at step {step}" };
            string what = ex is ModelViolationException ? ex.Message : $"unexpected exception: {ex}";
            return $"{what}\n({where})\n{scenario}\ntrace (last {TraceLines} lines):\n{string.Join('\n', model._trace.TakeLast(TraceLines))}";
        }
    }

    private void Apply(ModelStep step)
    {
        switch (step)
        {
            case PublishStep p: Publish(p); break;
            case ServerReadStep r: ServerRead(r.Count); break;
            case ClientReadStep r: ClientRead(r.Count); break;
            case ServerActStep a: ServerAct(a.Pick, a.Variant); break;
            case ServerPublishStep p: ServerPublish(p.Qos, p.Retain); break;
            case ServerDuplicateStep d: ServerDuplicate(d.Pick); break;
            case DropStep: Drop(); break;
            case ReconnectStep c: Reconnect(c); break;
            case ClientDisconnectStep: ClientDisconnect(); break;
            case AdvanceStep a:
                Session(() => _h.Advance(TimeSpan.FromSeconds(a.Seconds)));
                break;
            default: throw new InvalidOperationException(step.ToString());
        }
    }

    private void Publish(PublishStep p)
    {
        OutMessage message = NewOutMessage(p);
        Session(() =>
        {
            message.Token = _h.Session.Publish(new OutboundMessage(message.Topic, message.Payload, message.Qos, message.Retain));
            _byToken[message.Token] = message;
        });
    }

    private void ClientRead(int count)
    {
        for (int n = 0; _connected && _toClient.Count > 0 && (count == 0 || n < count); n++)
        {
            (byte[] bytes, IMqttPacket packet) = _toClient.Dequeue();
            BeforeClientReceives(packet);
            Session(() => _h.ReceiveBytes(bytes));
        }
    }

    private void Drop()
    {
        if (_connected)
        {
            Session(_h.LoseConnection);
        }
    }

    private void Reconnect(ReconnectStep c)
    {
        Drop();
        bool present = c.SessionPresent && _serverHasSession;
        if (!present)
        {
            ResetServerSession();
        }

        _serverHasSession = true;
        _connected = true;
        _connection++;
        _serverReceiveMaximum = V5 ? c.ReceiveMaximum : int.MaxValue;
        _topicAliasMaximum = V5 ? c.TopicAliasMaximum : (ushort)0;
        _quota.Clear();
        _aliases.Clear();
        _lastOrderedOnConnection = 0;
        var connAck = new ConnAckPacket
        {
            SessionPresent = present,
            Properties = V5
                ? new ConnAckProperties { ReceiveMaximum = c.ReceiveMaximum, TopicAliasMaximum = c.TopicAliasMaximum == 0 ? null : c.TopicAliasMaximum }
                : default,
        };
        Trace($"connection {_connection}: CONNECT, CONNACK session present {(present ? 1 : 0)}");
        Session(() => _h.Connect(connAck));
        if (present)
        {
            ResumeServerSession();
        }
    }

    private void ClientDisconnect()
    {
        if (_connected)
        {
            Session(() =>
            {
                _h.Session.Disconnect();
                _h.Flush();
            });
        }
    }

    /// <summary>Reconnects with a session, then delivers and acknowledges everything until nothing moves.</summary>
    private void Settle()
    {
        Reconnect(new ReconnectStep(SessionPresent: true, ReceiveMaximum: 10, TopicAliasMaximum: 0));
        for (int round = 0; round < 1_000; round++)
        {
            if (!_connected)
            {
                Reconnect(new ReconnectStep(SessionPresent: true, ReceiveMaximum: 10, TopicAliasMaximum: 0));
            }

            bool moved = _toClient.Count + _toServer.Count + _owed.Count > 0;
            ClientRead(0);
            ServerRead(0);
            while (_connected && _owed.Count > 0)
            {
                ServerAct(0, ActVariant.Normal);
            }

            AfterStep();
            if (!moved && _h.Session.InflightCount == 0 && _h.Session.PendingCount == 0 && _serverOut.Count == 0)
            {
                return;
            }
        }

        throw new ModelViolationException(
            $"did not settle: {_h.Session.InflightCount} in flight, {_h.Session.PendingCount} pending, {_serverOut.Count} server flows");
    }

    /// <summary>Runs a session call, then collects what the session wrote, reported and delivered.</summary>
    private void Session(Action action)
    {
        action();
        Collect();
        if (_connected && _h.Session.State == SessionState.Disconnected)
        {
            EndConnection();
        }
    }

    private void Collect()
    {
        // Events first: a completion frees an identifier the writes that follow may reuse.
        _h.Flush();
        List<SessionEvent> events = _h.Events;
        for (; _eventsSeen < events.Count; _eventsSeen++)
        {
            OnEvent(events[_eventsSeen]);
        }

        // The log has every packet written, with its time; CONNECT is the harness's (Reconnect).
        _h.Sent();
        List<SentPacket> log = _h.Log;
        for (; _logSeen < log.Count; _logSeen++)
        {
            OnClientWroteAt(log[_logSeen].At, log[_logSeen].Packet);
            if (log[_logSeen].Packet is not ConnectPacket)
            {
                OnClientWrote(log[_logSeen].Packet);
                _toServer.Enqueue(log[_logSeen].Packet);
            }
        }

        CheckKeepAliveTimeout();
        List<ReceivedMessage> messages = _h.Messages;
        for (; _messagesSeen < messages.Count; _messagesSeen++)
        {
            OnDelivered(messages[_messagesSeen]);
        }
    }

    /// <summary>The connection is over (our drop or the client's own close): both pipes lose their contents.</summary>
    private void EndConnection()
    {
        Trace($"connection {_connection} closed; lost in transit: {_toServer.Count} to the server, {_toClient.Count} to the client");
        _connected = false;
        _toServer.Clear();
        _toClient.Clear();
        _owed.Clear();
        _tainted.Clear();
        _serverQuota.Clear();
        _pingSince = null;
    }

    /// <summary>The server writes <paramref name="packet"/> into the pipe to the client.</summary>
    private void SendToClient<TPacket>(TPacket packet)
        where TPacket : IMqttPacket
    {
        Trace($"   server → {Describe(packet)}");
        _toClient.Enqueue((Codec.Encode(packet, _version), packet));
    }

    private void Trace(string line) => _trace.Add(line);

    private static string Describe(IMqttPacket packet) => packet switch
    {
        PublishPacket p => $"PUBLISH q{(int)p.Qos} id={p.PacketIdentifier} dup={(p.Dup ? 1 : 0)}{(p.Retain ? " retain" : string.Empty)} topic='{p.TopicName}' alias={p.Properties.TopicAlias?.ToString() ?? "-"} m={MessageNumber(p.Payload.ToArray())}",
        PubAckPacket a => $"PUBACK id={a.PacketIdentifier} rc=0x{(byte)a.ReasonCode:X2}",
        PubRecPacket a => $"PUBREC id={a.PacketIdentifier} rc=0x{(byte)a.ReasonCode:X2}",
        PubRelPacket a => $"PUBREL id={a.PacketIdentifier} rc=0x{(byte)a.ReasonCode:X2}",
        PubCompPacket a => $"PUBCOMP id={a.PacketIdentifier} rc=0x{(byte)a.ReasonCode:X2}",
        _ => packet.Type.ToString().ToUpperInvariant(),
    };
}
