using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// Drives an <see cref="MqttSession"/> as the client's connection loop does (transmit after every
/// input, drain events, fire timers at their deadlines) and checks after every step what must
/// hold whatever the server sends:
/// <list type="bullet">
/// <item>no call throws: peer errors become a Closed event;</item>
/// <item>everything written decodes with our decoder, whole, is a packet a client sends, re-encodes
/// to itself, fits the server's Maximum Packet Size, and nothing follows our DISCONNECT;</item>
/// <item>one Closed event per connection, nothing written once closed, never left Disconnecting
/// after a full transmit, a timer never due again right after it fired;</item>
/// <item>every publish, subscribe and unsubscribe completes at most once, and successfully only
/// after its acknowledgement (<see cref="FlowLedger"/>); the publishes not completed are exactly
/// those in flight or pending; in flight stays within the server's
/// Receive Maximum (plus flows kept from before the CONNACK), awaiting PUBREL within ours.</item>
/// </list>
/// </summary>
internal sealed class SessionDriver : IInboundMessageHandler
{
    /// <summary>
    /// What one receive (decode, dispatch, transmit, with the checks above) may allocate, plus
    /// <see cref="AllocationPerByte"/> per byte: generous (a CONNACK resends every kept flow), but
    /// far below what a claimed length (up to 256 MB) would cost.
    /// </summary>
    private const long AllocationBase = 128 * 1024;
    private const long AllocationPerByte = 256;

    private readonly FlowLedger _ledger = new();
    private int _connections;
    private int _closedEvents;
    private bool _disconnectSent;
    private bool _connectDue;
    private uint _serverMaximumPacketSize = PacketScanner.ProtocolMaximumPacketSize;
    private int _serverReceiveMaximum = ushort.MaxValue;
    private int _inflightAtConnAck;

    public SessionDriver(SessionSetup setup)
    {
        Setup = setup;
        Options = setup.Options();
        Session = new MqttSession(Options, Time) { MessageHandler = this };
    }

    public SessionSetup Setup { get; }

    public SessionOptions Options { get; }

    public ManualTime Time { get; } = new();

    public MqttSession Session { get; }

    /// <summary>Packets the session wrote since the last <see cref="TakeSent"/> (the seed generator answers them).</summary>
    public List<IMqttPacket> Sent { get; } = [];

    public int Connections => _connections;

    /// <summary>Publishes, subscribes and unsubscribes the setup made.</summary>
    public int Requests => _ledger.Count;

    /// <summary>Of <see cref="Requests"/>, how many completed (success or failure).</summary>
    public int Completed => _ledger.CompletedCount;

    public int MessagesDelivered { get; private set; }

    public int ViolationCloses { get; private set; }

    /// <summary>Most bytes one <see cref="Receive(ReadOnlySequence{byte})"/> allocated (smoke mode prints it).</summary>
    public long MaxAllocatedPerReceive { get; private set; }

    /// <summary>
    /// Connects: CONNECT, then publishes (QoS 0, 1, 2, retained, one above 256 bytes), two
    /// SUBSCRIBEs and an UNSUBSCRIBE queued before the CONNACK, so that acknowledgements in the
    /// input have flows to match, and some wait on the Receive Maximum.
    /// </summary>
    public void Start()
    {
        Connect();
        bool v5 = Setup.V5;
        Publish(new OutboundMessage("t/a", new byte[] { 1 }));
        Publish(new OutboundMessage("t/a", new byte[16], MqttQos.AtLeastOnce));
        Publish(new OutboundMessage("t/b", new byte[] { 2 }, MqttQos.ExactlyOnce));
        Publish(new OutboundMessage("t/b", new byte[] { 3 }, MqttQos.AtLeastOnce, Retain: true));
        Publish(new OutboundMessage("t/a", new byte[] { 4 }, MqttQos.ExactlyOnce));
        Publish(new OutboundMessage("t/big", new byte[300], MqttQos.AtLeastOnce));
        Subscribe(new SubscribePacket
        {
            Subscriptions = new[] { new Subscription("s/+", new SubscriptionOptionFlags { MaximumQos = MqttQos.ExactlyOnce }), new Subscription("s/#") },
            Properties = v5 ? new SubscribeProperties { SubscriptionIdentifier = 1 } : default,
        });
        Subscribe(new SubscribePacket { Subscriptions = new[] { new Subscription("x/y", new SubscriptionOptionFlags { MaximumQos = MqttQos.AtLeastOnce }) } });
        Unsubscribe(new UnsubscribePacket { TopicFilters = new MqttString[] { "s/+" } });
        Receive(Encode(Setup.ConnAck()));
        Oracle.Check(Session.State == SessionState.Connected, $"the setup CONNACK left the session {Session.State}");
    }

    /// <summary>A new connection after a close: CONNECT; the input must bring the CONNACK.</summary>
    public void Connect()
    {
        Oracle.Check(Session.State == SessionState.Disconnected, $"Connect() on a {Session.State} session");
        Session.Connect();
        _connections++;
        _disconnectSent = false;
        _connectDue = true;
        _serverMaximumPacketSize = PacketScanner.ProtocolMaximumPacketSize;
        _serverReceiveMaximum = ushort.MaxValue;
        Flush();
        Oracle.Check(!_connectDue, "Connect() wrote no CONNECT");
    }

    /// <summary>
    /// Feeds <paramref name="buffer"/> (what the transport holds) and transmits; returns the bytes
    /// the session consumed. Allocation must stay under <see cref="AllocationBase"/> plus
    /// <see cref="AllocationPerByte"/> per byte held: never in proportion to a length the bytes claim.
    /// </summary>
    public long Receive(ReadOnlySequence<byte> buffer)
    {
        long before = buffer.Length;
        if (Session.State == SessionState.Connecting)
        {
            _inflightAtConnAck = Session.InflightCount; // nothing acknowledges a flow before CONNACK
        }

        ReadOnlySequence<byte> held = buffer;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Session.HandleReceived(ref buffer);
        long consumed = before - buffer.Length;
        Oracle.Check(consumed >= 0, "HandleReceived grew the buffer");
        LearnReceived(held.Slice(0, consumed));
        Flush();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        MaxAllocatedPerReceive = Math.Max(MaxAllocatedPerReceive, allocated);
        Oracle.Check(allocated <= AllocationBase + (AllocationPerByte * before),
            $"handling {before} received bytes allocated {allocated} bytes");
        return consumed;
    }

    public long Receive(byte[] bytes) => Receive(new ReadOnlySequence<byte>(bytes));

    /// <summary>
    /// Tells the ledger which acknowledgements the session consumed: the packets in the consumed
    /// bytes, up to one the decoder rejects (a closing session consumes the rest unread, so this
    /// may include packets it dropped: the ledger then believes too much, never too little).
    /// </summary>
    private void LearnReceived(ReadOnlySequence<byte> consumed)
    {
        try
        {
            while (PacketDecoder.TryDecode(ref consumed, Setup.Version, Options.MaximumPacketSize, out IMqttPacket? packet) == OperationStatus.Done)
            {
                _ledger.Received(packet!);
            }
        }
        catch (MqttProtocolException)
        {
            // The session stopped at this packet too.
        }
    }

    /// <summary>Moves the clock by <paramref name="step"/>, firing each timer at its own deadline.</summary>
    public void Advance(TimeSpan step)
    {
        long target = Time.Now + (long)(step.TotalSeconds * ManualTime.Frequency);
        for (int fired = 0; Session.PollTimeout() is long deadline && deadline <= target; fired++)
        {
            Oracle.Check(fired < 1_000, "timers keep firing without the clock moving past them");
            Time.MoveTo(deadline);
            Session.HandleTimeout();
            Flush();
            Oracle.Check(Session.PollTimeout() is not long next || next > Time.Now, "a timer is due again right after HandleTimeout");
        }

        Time.MoveTo(target);
    }

    /// <summary>The transport closed.</summary>
    public void LoseConnection()
    {
        Session.HandleConnectionLost();
        Flush();
        Oracle.Check(Session.State == SessionState.Disconnected, $"{Session.State} after the connection was lost");
    }

    public List<IMqttPacket> TakeSent()
    {
        var sent = new List<IMqttPacket>(Sent);
        Sent.Clear();
        return sent;
    }

    public byte[] Encode(IMqttPacket packet)
    {
        var output = new ArrayBufferWriter<byte>();
        PacketEncoder.Write(output, packet, Setup.Version);
        return output.WrittenSpan.ToArray();
    }

    public void OnMessage(in InboundMessage message)
    {
        // [MQTT-4.7.3-1] and 5.0 §3.3.2.3.4: an alias resolved, the topic is never empty.
        Oracle.Check(Session.State == SessionState.Connected, $"a message delivered while {Session.State}");
        Oracle.Check(message.Topic.ByteCount > 0, "a message delivered with an empty topic");
        Oracle.Check(!message.Topic.ToString().AsSpan().ContainsAny('+', '#'), "a message delivered on a wildcard topic");
        MessagesDelivered++;
    }

    /// <summary>What the driver does after every input: transmit everything, check it, drain events, check state.</summary>
    private void Flush()
    {
        bool closed = Session.State == SessionState.Disconnected;
        var output = new ArrayBufferWriter<byte>();
        int written = 0;
        for (int n; (n = Session.PollTransmit(output)) > 0;)
        {
            written += n;
        }

        Oracle.Check(written == output.WrittenCount, $"PollTransmit reported {written} bytes but wrote {output.WrittenCount}");
        Oracle.Check(!closed || written == 0, $"{written} bytes written by a closed session");
        CheckWritten(output.WrittenMemory);
        DrainEvents();
        CheckState();
    }

    private void CheckWritten(ReadOnlyMemory<byte> bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        while (!buffer.IsEmpty)
        {
            long before = buffer.Length;
            IMqttPacket? packet;
            try
            {
                Oracle.Check(PacketDecoder.TryDecode(ref buffer, Setup.Version, PacketScanner.ProtocolMaximumPacketSize, out packet) == OperationStatus.Done,
                    "the session wrote a partial packet");
            }
            catch (MqttProtocolException ex)
            {
                throw new Oracle.Violation($"the session wrote a packet our decoder rejects: {ex.Message}");
            }

            long size = before - buffer.Length;
            IMqttPacket sent = packet ?? throw new Oracle.Violation("Done without a packet");
            Oracle.Check(!_disconnectSent, $"{sent.GetType().Name} written after our DISCONNECT");
            switch (sent)
            {
                case ConnectPacket:
                    Oracle.Check(_connectDue, "CONNECT written on an open connection");
                    _connectDue = false;
                    break;
                case DisconnectPacket:
                    _disconnectSent = true;
                    break;
                case PublishPacket or PubAckPacket or PubRecPacket or PubRelPacket or PubCompPacket or SubscribePacket or UnsubscribePacket or PingReqPacket or AuthPacket:
                    break;
                default:
                    throw new Oracle.Violation($"the client wrote {sent.GetType().Name}, which only a server sends");
            }

            // [MQTT-3.1.2-24]: nothing above the server's Maximum Packet Size.
            Oracle.Check(sent is ConnectPacket || size <= _serverMaximumPacketSize,
                $"wrote a {size}-byte {sent.GetType().Name}; the server's Maximum Packet Size is {_serverMaximumPacketSize}");
            Oracle.RoundTrip(sent, Setup.Version);
            _ledger.Written(sent);
            Sent.Add(sent);
        }
    }

    private void DrainEvents()
    {
        while (Session.TryPollEvent(out SessionEvent e))
        {
            switch (e.Kind)
            {
                case SessionEventKind.Closed:
                    _closedEvents++;
                    Oracle.Check(e.Detail is CloseInfo, "a Closed event without CloseInfo");
                    if (((CloseInfo)e.Detail!).Reason == CloseReason.ProtocolViolation)
                    {
                        ViolationCloses++;
                    }

                    break;

                case SessionEventKind.Connected:
                    var info = (ConnectedInfo)e.Detail!;
                    _serverMaximumPacketSize = info.MaximumPacketSize;
                    _serverReceiveMaximum = info.ServerReceiveMaximum;
                    break;

                default: // Publish/Subscribe/UnsubscribeCompleted
                    _ledger.Completed(e);
                    break;
            }
        }
    }

    private void CheckState()
    {
        SessionState state = Session.State;
        Oracle.Check(state != SessionState.Disconnecting, "still Disconnecting after everything was written");
        int expectedClosed = state == SessionState.Disconnected ? _connections : _connections - 1;
        Oracle.Check(_closedEvents == expectedClosed, $"{_closedEvents} Closed events after {_connections} connection(s), state {state}");

        int open = _ledger.OpenPublishes;
        Oracle.Check(Session.InflightCount + Session.PendingCount == open,
            $"{Session.InflightCount} in flight + {Session.PendingCount} pending, but {open} publishes not completed");
        Oracle.Check(Session.InflightCount <= _serverReceiveMaximum + _inflightAtConnAck,
            $"{Session.InflightCount} in flight; the server's Receive Maximum is {_serverReceiveMaximum} ({_inflightAtConnAck} kept from before its CONNACK)");
        if (Setup.V5 && Options.EnforceReceiveMaximum)
        {
            Oracle.Check(Session.InboundAwaitingReleaseCount <= Options.ReceiveMaximum,
                $"{Session.InboundAwaitingReleaseCount} inbound QoS 2 awaiting PUBREL; our Receive Maximum is {Options.ReceiveMaximum}");
        }
    }

    private void Publish(in OutboundMessage message)
    {
        _ledger.AddPublish(Session.Publish(message), message);
        Flush();
    }

    private void Subscribe(SubscribePacket request)
    {
        _ledger.AddControl(Session.Subscribe(request), request);
        Flush();
    }

    private void Unsubscribe(UnsubscribePacket request)
    {
        _ledger.AddControl(Session.Unsubscribe(request), request);
        Flush();
    }
}
