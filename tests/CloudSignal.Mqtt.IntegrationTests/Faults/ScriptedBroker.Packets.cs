using System.Buffers;
using System.Diagnostics;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>Packet handling: decode, record, offer to the drop script, answer. All under <see cref="Gate"/>.</summary>
internal sealed partial class ScriptedBroker
{
    /// <summary>
    /// Decodes and handles every whole packet in <paramref name="buffer"/> (leaving a partial one);
    /// returns true once the connection is cut.
    /// </summary>
    internal bool OnReceived(BrokerConnection c, ref ReadOnlySequence<byte> buffer)
    {
        lock (Gate)
        {
            while (!c.IsCut)
            {
                IMqttPacket? packet;
                try
                {
                    // Before CONNECT the level is unknown; CONNECT decodes the same at either level
                    // and names its own.
                    if (PacketDecoder.TryDecode(ref buffer, c.Version ?? MqttProtocolVersion.V500, PacketScanner.ProtocolMaximumPacketSize, out packet) != OperationStatus.Done)
                    {
                        return false;
                    }
                }
                catch (MqttProtocolException ex)
                {
                    c.ClientProtocolError = ex.ReasonCode;
                    c.Cut();
                    break;
                }

                // The packet's topic and payload are slices of `buffer`: handled (and copied) here,
                // before the read loop advances past them.
                Handle(c, packet!);
            }

            buffer = buffer.Slice(buffer.End);
            return true;
        }
    }

    /// <summary>After both loops of <paramref name="c"/> ended: detach its session, forget it unless persistent.</summary>
    internal void OnConnectionClosed(BrokerConnection c)
    {
        lock (Gate)
        {
            if (c.Session is { } session && session.Connection == c)
            {
                session.Connection = null;
                if (!session.Persistent)
                {
                    _sessions.Remove(session.ClientId);
                }
            }
        }
    }

    private void Handle(BrokerConnection c, IMqttPacket packet)
    {
        RecordedPacket record = Describe(packet, PacketDirection.FromClient);
        if (ShouldDrop(c, record))
        {
            c.Record(record with { Dropped = true });
            return;
        }

        c.Record(record);
        if (c.Session is null && packet is not ConnectPacket)
        {
            c.Cut(); // [MQTT-3.1.0-1]: CONNECT comes first
            return;
        }

        switch (packet)
        {
            case ConnectPacket connect:
                OnConnect(c, connect);
                break;

            case PublishPacket publish:
                OnPublish(c, publish, record);
                break;

            case PubAckPacket ack:
                OnPubAck(c, ack.PacketIdentifier);
                break;

            case PubRecPacket rec:
                OnPubRec(c, rec.PacketIdentifier);
                break;

            case PubRelPacket rel:
                // 5.0 §3.7.2.1: 0x92 for an identifier not awaiting release; 3.1.1 PUBCOMP has no code.
                bool known = c.Session?.AwaitingRelease.Remove(rel.PacketIdentifier) == true;
                Send(c, new PubCompPacket(rel.PacketIdentifier, known || c.Version != MqttProtocolVersion.V500 ? MqttReasonCode.Success : MqttReasonCode.PacketIdentifierNotFound));
                break;

            case PubCompPacket comp:
                OnPubComp(c, comp.PacketIdentifier);
                break;

            case SubscribePacket subscribe:
                OnSubscribe(c, subscribe);
                break;

            case UnsubscribePacket unsubscribe:
                OnUnsubscribe(c, unsubscribe);
                break;

            case PingReqPacket:
                if (!Script.IgnoresPingReq(c.Number))
                {
                    Send(c, default(PingRespPacket));
                }

                break;

            case DisconnectPacket:
                // The client closes next; the session's fate is decided when the socket ends.
                break;

            default:
                // AUTH and packets a client never sends (CONNACK, SUBACK, …): a protocol error.
                c.Cut();
                break;
        }
    }

    private void OnConnect(BrokerConnection c, in ConnectPacket connect)
    {
        if (c.Version is not null)
        {
            c.Cut(); // [MQTT-3.1.0-2]: a second CONNECT is a protocol violation
            return;
        }

        bool v5 = connect.ProtocolVersion == MqttProtocolVersion.V500;
        c.Version = connect.ProtocolVersion;
        string clientId = connect.ClientId.ToString();
        bool assigned = clientId.Length == 0;
        c.ClientId = assigned ? $"scripted-{c.Number}" : clientId;

        if (Script.RefusalFor(c.Number) is byte code)
        {
            Send(c, new ConnAckPacket { ReasonCode = (MqttReasonCode)code });
            c.Cut(); // [MQTT-3.2.2-5] (3.1.1) / 5.0 §3.2.2.2: a refusal closes the connection
            return;
        }

        _sessions.TryGetValue(c.ClientId, out BrokerSession? session);
        if (session?.Connection is { } previous)
        {
            // [MQTT-3.1.4-2] (3.1.1) / [MQTT-3.1.4-3] (5.0): the new connection takes the client over.
            previous.Session = null;
            previous.Cut();
        }

        if (session is not null && connect.CleanStart)
        {
            _sessions.Remove(c.ClientId);
            session = null;
        }

        bool present = session is not null;
        session ??= _sessions[c.ClientId] = new BrokerSession(c.ClientId);
        session.Connection = c;
        session.Persistent = v5 ? connect.Properties.SessionExpiryInterval is > 0 : !connect.CleanStart;
        session.ReceiveMaximum = v5 ? connect.Properties.ReceiveMaximum ?? ushort.MaxValue : ushort.MaxValue;
        c.Session = session;

        Send(c, new ConnAckPacket
        {
            SessionPresent = present,
            ReasonCode = MqttReasonCode.Success,
            Properties = v5 && assigned ? new ConnAckProperties { AssignedClientIdentifier = c.ClientId } : default,
        });

        if (Script.MalformedFor(c.Number) is byte[] malformed)
        {
            c.Record(new RecordedPacket(PacketDirection.ToClient, (PacketType)(malformed.Length > 0 ? malformed[0] >> 4 : 0),
                Payload: malformed, Timestamp: Stopwatch.GetTimestamp(), Malformed: true));
            c.Enqueue(malformed);
        }

        if (present)
        {
            Resume(session);
        }
    }

    private void OnPublish(BrokerConnection c, in PublishPacket publish, RecordedPacket record)
    {
        BrokerSession session = c.Session!;
        switch (publish.Qos)
        {
            case MqttQos.AtMostOnce:
                Route(c, record);
                break;

            case MqttQos.AtLeastOnce:
                // At least once: a resend (DUP) is routed again.
                Route(c, record);
                Send(c, new PubAckPacket(publish.PacketIdentifier));
                break;

            default:
                // [MQTT-4.3.3-2] (3.1.1) / [MQTT-4.3.3-9] (5.0): until PUBREL, the same identifier
                // is acknowledged again but not delivered again.
                if (session.AwaitingRelease.Add(publish.PacketIdentifier))
                {
                    Route(c, record);
                }

                Send(c, new PubRecPacket(publish.PacketIdentifier));
                break;
        }
    }

    private void OnSubscribe(BrokerConnection c, in SubscribePacket subscribe)
    {
        BrokerSession session = c.Session!;
        var granted = new MqttReasonCode[subscribe.Subscriptions.Count];
        for (int i = 0; i < granted.Length; i++)
        {
            Subscription s = subscribe.Subscriptions[i];
            session.Subscriptions[s.TopicFilter.ToString()] = s.Options.MaximumQos;
            granted[i] = (MqttReasonCode)(byte)s.Options.MaximumQos; // Granted QoS 0/1/2 = 0x00/0x01/0x02
        }

        Send(c, new SubAckPacket { PacketIdentifier = subscribe.PacketIdentifier, ReasonCodes = granted });
    }

    private void OnUnsubscribe(BrokerConnection c, in UnsubscribePacket unsubscribe)
    {
        BrokerSession session = c.Session!;
        var codes = new MqttReasonCode[unsubscribe.TopicFilters.Count];
        for (int i = 0; i < codes.Length; i++)
        {
            codes[i] = session.Subscriptions.Remove(unsubscribe.TopicFilters[i].ToString()) ? MqttReasonCode.Success : MqttReasonCode.NoSubscriptionExisted;
        }

        Send(c, new UnsubAckPacket
        {
            PacketIdentifier = unsubscribe.PacketIdentifier,
            ReasonCodes = c.Version == MqttProtocolVersion.V500 ? codes : [],
        });
    }

    /// <summary>
    /// Records and queues <paramref name="packet"/> to <paramref name="c"/>, unless the connection is
    /// closing (false) or the script drops it (false, and the connection is cut).
    /// </summary>
    private bool Send<TPacket>(BrokerConnection c, in TPacket packet)
        where TPacket : IMqttPacket
    {
        if (c.IsCut)
        {
            return false;
        }

        RecordedPacket record = Describe(packet, PacketDirection.ToClient);
        if (ShouldDrop(c, record))
        {
            c.Record(record with { Dropped = true });
            return false;
        }

        var bytes = new ArrayBufferWriter<byte>();
        PacketEncoder.Write(bytes, packet, c.Version ?? MqttProtocolVersion.V500);
        c.Record(record);
        return c.Enqueue(bytes.WrittenSpan.ToArray());
    }

    /// <summary>Offers the packet to the script; on a drop, cuts the connection and counts it.</summary>
    private bool ShouldDrop(BrokerConnection c, RecordedPacket record)
    {
        var point = new FaultPoint(c.Number, c.ClientId, record.Direction, record.Type,
            c.NextIndex(record.Direction, record.Type), record.PacketId, record.Qos, record.Dup);
        if (!Script.ShouldDrop(point))
        {
            return false;
        }

        _drops++;
        c.Cut();
        return true;
    }

    /// <summary>What the record keeps of a packet; strings and bytes are copied out of the receive buffer.</summary>
    private static RecordedPacket Describe(IMqttPacket packet, PacketDirection direction)
    {
        long now = Stopwatch.GetTimestamp();
        return packet switch
        {
            PublishPacket p => new RecordedPacket(direction, PacketType.Publish, p.PacketIdentifier, p.Qos, p.Dup,
                p.TopicName.ToString(), p.Payload.ToArray(), Timestamp: now),
            PubAckPacket p => new RecordedPacket(direction, PacketType.PubAck, p.PacketIdentifier, ReasonCode: p.ReasonCode, Timestamp: now),
            PubRecPacket p => new RecordedPacket(direction, PacketType.PubRec, p.PacketIdentifier, ReasonCode: p.ReasonCode, Timestamp: now),
            PubRelPacket p => new RecordedPacket(direction, PacketType.PubRel, p.PacketIdentifier, ReasonCode: p.ReasonCode, Timestamp: now),
            PubCompPacket p => new RecordedPacket(direction, PacketType.PubComp, p.PacketIdentifier, ReasonCode: p.ReasonCode, Timestamp: now),
            SubscribePacket p => new RecordedPacket(direction, PacketType.Subscribe, p.PacketIdentifier, Timestamp: now),
            SubAckPacket p => new RecordedPacket(direction, PacketType.SubAck, p.PacketIdentifier, Timestamp: now),
            UnsubscribePacket p => new RecordedPacket(direction, PacketType.Unsubscribe, p.PacketIdentifier, Timestamp: now),
            UnsubAckPacket p => new RecordedPacket(direction, PacketType.UnsubAck, p.PacketIdentifier, Timestamp: now),
            ConnAckPacket p => new RecordedPacket(direction, PacketType.ConnAck, ReasonCode: p.ReasonCode, SessionPresent: p.SessionPresent, Timestamp: now),
            DisconnectPacket p => new RecordedPacket(direction, PacketType.Disconnect, ReasonCode: p.ReasonCode, Timestamp: now),
            _ => new RecordedPacket(direction, packet.Type, Timestamp: now),
        };
    }
}
