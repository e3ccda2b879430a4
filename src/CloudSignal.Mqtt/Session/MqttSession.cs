using System.Buffers;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/*
 * Theory of operation
 * -------------------
 * MqttSession is the MQTT client state machine with no I/O: no sockets, no streams, no clock
 * of its own, no tasks. Time comes from the injected TimeProvider's timestamps; everything
 * else comes in through method calls and goes out through polls.
 *
 *   inputs                                  outputs
 *   Connect / Publish / Subscribe /         PollTransmit(IBufferWriter)  bytes to send
 *     Unsubscribe / Disconnect              PollTimeout()                next deadline (timestamp)
 *   HandleReceived(ref bytes)               TryPollEvent(out event)      completions, connect, close
 *   HandleTimeout()                         IInboundMessageHandler       messages, borrowed, as decoded
 *   HandleConnectionLost()
 *
 * Call order for a driver: after any input, PollTransmit until it returns 0 and flush; drain
 * TryPollEvent; wait until the bytes arrive or PollTimeout() passes; when State is
 * Disconnected after a poll, close the transport.
 *
 * States: Disconnected → Connect() → Connecting → CONNACK 0 → Connected → Disconnect() →
 * Disconnecting → (DISCONNECT written) → Disconnected. Any close (refusal, timeout, protocol
 * violation, lost transport, server DISCONNECT) lands in Disconnected with one Closed event.
 *
 * What survives a close: outbound QoS 1/2 flows (inflight, by packet identifier, with their
 * send order), publishes not yet sent (pending, FIFO), subscribe/unsubscribe requests not yet
 * acknowledged, and the identifiers of inbound QoS 2 messages awaiting PUBREL. The next
 * CONNACK decides their fate (see OnConnAck): session present → resend with DUP, PUBREL for
 * flows past PUBREC, in original order, before new traffic; no session → send again as new.
 *
 * Peer errors never throw out of the session: a malformed packet or a protocol violation
 * becomes a Closed event with the reason code, and under 5.0 a DISCONNECT carrying it. Once
 * the session is Disconnecting or Disconnected, received bytes are dropped unread.
 */

/// <summary>The MQTT client session as a sans-IO state machine. See the theory of operation above.</summary>
internal sealed partial class MqttSession
{
    private readonly SessionOptions _options;
    private readonly TimeProvider _time;
    private readonly MqttProtocolVersion _version;
    private readonly Queue<Outgoing> _transmit = new();
    private readonly Queue<SessionEvent> _events = new();
    private readonly PacketIdAllocator _packetIds = new();
    private CloseInfo? _closeAfterTransmit;

    public MqttSession(SessionOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _version = options.ProtocolVersion;
        ResetServerLimits();
    }

    public SessionState State { get; private set; } = SessionState.Disconnected;

    public MqttProtocolVersion ProtocolVersion => _version;

    /// <summary>The client identifier in use: ours, or the one the server assigned (5.0).</summary>
    public string ClientId { get; private set; } = string.Empty;

    /// <summary>Where decoded application messages go. Set before connecting.</summary>
    public IInboundMessageHandler? MessageHandler { get; set; }

    /// <summary>Decodes and handles every whole packet in <paramref name="buffer"/>; leaves a partial one there.</summary>
    public void HandleReceived(ref ReadOnlySequence<byte> buffer)
    {
        var handler = new PacketDispatcher(this);
        while (!buffer.IsEmpty)
        {
            if (State is not (SessionState.Connecting or SessionState.Connected))
            {
                // Closing (our DISCONNECT is queued, after Disconnect() or a violation) or closed: the
                // rest is dropped unread, so nothing is delivered or answered after it [MQTT-3.14.4-1].
                buffer = buffer.Slice(buffer.End);
                return;
            }

            if (State == SessionState.Connecting && _version == MqttProtocolVersion.V500 && IsLegacyRefusal(buffer))
            {
                // A 3.1.1-only server answers our level-5 CONNECT with the 3.1.1 CONNACK 20 02 00 01
                // ("unacceptable protocol version"), which is not a valid 5.0 CONNACK.
                buffer = buffer.Slice(4);
                Close(new CloseInfo(CloseReason.ConnectionRefused, MqttReasonCode.UnsupportedProtocolVersion,
                    "the server does not support MQTT 5.0 (3.1.1 return code 1)", ReturnCode: ConnectReturnCode.UnacceptableProtocolVersion));
                return;
            }

            try
            {
                if (PacketDecoder.TryDecode(ref buffer, _version, _options.MaximumPacketSize, ref handler) != OperationStatus.Done)
                {
                    return;
                }
            }
            catch (MqttProtocolException ex)
            {
                Violation(ex.ReasonCode, ex.Message);
                return;
            }
        }
    }

    /// <summary>The transport closed under us. Keeps what a later connection must resend.</summary>
    public void HandleConnectionLost()
    {
        if (State == SessionState.Disconnected)
        {
            return;
        }

        CloseInfo info = _closeAfterTransmit ?? new CloseInfo(CloseReason.ConnectionLost, MqttReasonCode.UnspecifiedError, "the connection was lost");
        Close(info);
    }

    /// <summary>
    /// Writes queued packets into <paramref name="output"/> until at least <paramref name="budget"/>
    /// bytes are written or the queue is empty; returns the bytes written (0: nothing to send). A
    /// driver that passes a budget flushes and polls again while this returns non-zero, so a
    /// window of large publishes goes out in bounded batches instead of one huge buffer.
    /// </summary>
    public int PollTransmit(IBufferWriter<byte> output, int budget = int.MaxValue)
    {
        int written = 0;
        while (written < budget && _transmit.TryDequeue(out Outgoing item))
        {
            written += Write(output, item);
        }

        if (written > 0)
        {
            _lastSent = _time.GetTimestamp();
            if (_closeAfterTransmit is { } info && State == SessionState.Disconnecting && _transmit.Count == 0)
            {
                Close(info);
            }
        }

        return written;
    }

    public bool TryPollEvent(out SessionEvent sessionEvent) => _events.TryDequeue(out sessionEvent);

    /// <summary>True when <see cref="PollTransmit"/> has packets to write (a driver may skip polling otherwise).</summary>
    public bool HasTransmit => _transmit.Count > 0;

    /// <summary>True when <see cref="TryPollEvent"/> has something (a driver may skip draining otherwise).</summary>
    public bool HasEvents => _events.Count > 0;

    /// <summary>
    /// Ends the connection: DISCONNECT with <paramref name="reasonCode"/> (3.1.1: E0 00), then closed.
    /// Under 3.1.1, 0x04 (Disconnect with Will Message) closes without DISCONNECT, the only way
    /// 3.1.1 has to make the server publish the will (3.1.1 §3.1.2.5).
    /// </summary>
    public void Disconnect(MqttReasonCode reasonCode = MqttReasonCode.NormalDisconnection)
    {
        if (State is SessionState.Disconnected or SessionState.Disconnecting)
        {
            return;
        }

        // [MQTT-3.14.2-1]: a code outside Table 3-10 fails this call, not a later PollTransmit.
        new DisconnectPacket(reasonCode).GetRemainingLength(MqttProtocolVersion.V500);
        var info = new CloseInfo(CloseReason.LocalDisconnect, reasonCode, "disconnected by the client");
        if (_version == MqttProtocolVersion.V500)
        {
            CloseAfterSending(new DisconnectPacket(reasonCode), info);
        }
        else if (reasonCode == MqttReasonCode.DisconnectWithWillMessage)
        {
            // A 3.1.1 DISCONNECT deletes the will [MQTT-3.1.2-10]; a close without one publishes it.
            Close(info with { Message = "closed without DISCONNECT, so the server publishes the will" });
        }
        else
        {
            CloseAfterSending(default, info);
        }
    }

    /// <summary>The peer broke the protocol: close with <paramref name="code"/>, telling it first under 5.0.</summary>
    private void Violation(MqttReasonCode code, string message)
    {
        var info = new CloseInfo(CloseReason.ProtocolViolation, code, message);
        if (_version == MqttProtocolVersion.V500 && State == SessionState.Connected && ReasonCodes.IsAllowed(PacketType.Disconnect, (byte)code))
        {
            CloseAfterSending(new DisconnectPacket(code), info);
        }
        else
        {
            Close(info);
        }
    }

    private void CloseAfterSending(DisconnectPacket packet, CloseInfo info)
    {
        DropQueuedTraffic();
        _transmit.Enqueue(Outgoing.Control(packet));
        _closeAfterTransmit = info;
        State = SessionState.Disconnecting;
    }

    private void Close(CloseReason reason, MqttReasonCode code, string message, string? reasonString = null, string? serverReference = null) =>
        Close(new CloseInfo(reason, code, message, reasonString, serverReference));

    private void Close(CloseInfo info)
    {
        DropQueuedTraffic();
        RequeueUnacknowledgedControl();
        _closeAfterTransmit = null;
        _pingSent = null;
        _connectDeadline = null;
        State = SessionState.Disconnected;
        _events.Enqueue(new SessionEvent(SessionEventKind.Closed, ReasonCode: info.ReasonCode, ReasonString: info.ReasonString, Detail: info));
    }

    /// <summary>Empties the transmit queue; QoS 0 publishes not yet written go back to the front of the pending queue.</summary>
    private void DropQueuedTraffic()
    {
        List<PendingPublish>? unsent = null;
        while (_transmit.TryDequeue(out Outgoing item))
        {
            if (item.Kind == OutgoingKind.PublishQos0)
            {
                (unsent ??= []).Add(new PendingPublish(item.Token, item.Message));
            }
        }

        if (unsent is not null)
        {
            PushFrontPending(unsent);
        }
    }

    private static bool IsLegacyRefusal(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(head);
        return head[0] == 0x20 && head[1] == 0x02 && head[2] == 0x00 && head[3] == 0x01;
    }
}

internal enum SessionState
{
    Disconnected,
    Connecting,
    Connected,
    Disconnecting,
}
