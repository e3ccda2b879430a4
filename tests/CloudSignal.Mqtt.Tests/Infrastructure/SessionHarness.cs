using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using Microsoft.Extensions.Time.Testing;

namespace CloudSignal.Mqtt.Tests.Infrastructure;

/// <summary>A message the session delivered, copied out of the borrowed view.</summary>
internal sealed record ReceivedMessage(string Topic, byte[] Payload, MqttQos Qos, bool Retain, bool Dup, string[] UserProperties);

/// <summary>A packet the session wrote, with the (fake) time it was written.</summary>
internal sealed record SentPacket(TimeSpan At, IMqttPacket Packet);

/// <summary>
/// Drives an <see cref="MqttSession"/> as a real driver would, on a <see cref="FakeTimeProvider"/>,
/// and plays the server with our own codec. After every input it transmits at once (so the
/// session sees realistic send times) and decodes what was written; <see cref="Sent"/> returns
/// the packets written since the last call. <see cref="AdvanceTo"/> moves time, firing each
/// timer exactly at its deadline. Events and delivered messages are recorded in order.
/// </summary>
internal sealed class SessionHarness : IInboundMessageHandler
{
    private readonly List<IMqttPacket> _unread = [];
    private readonly long _start;

    public SessionHarness(SessionOptions? options = null)
    {
        Options = options ?? new SessionOptions();
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _start = Time.GetTimestamp();
        Session = new MqttSession(Options, Time) { MessageHandler = this };
    }

    public SessionOptions Options { get; }

    public FakeTimeProvider Time { get; }

    public MqttSession Session { get; }

    public MqttProtocolVersion Version => Options.ProtocolVersion;

    public List<SessionEvent> Events { get; } = [];

    public List<ReceivedMessage> Messages { get; } = [];

    /// <summary>Every packet the session wrote, with when.</summary>
    public List<SentPacket> Log { get; } = [];

    /// <summary>Time since the harness started.</summary>
    public TimeSpan Now => TimeSpan.FromSeconds((Time.GetTimestamp() - _start) / (double)Time.TimestampFrequency);

    /// <summary>Packets the session has written since the last call.</summary>
    public List<IMqttPacket> Sent()
    {
        Flush();
        var packets = new List<IMqttPacket>(_unread);
        _unread.Clear();
        return packets;
    }

    /// <summary>The single packet written since the last call.</summary>
    public TPacket SentOne<TPacket>()
        where TPacket : IMqttPacket =>
        Assert.IsType<TPacket>(Assert.Single(Sent()));

    public void Receive<TPacket>(TPacket packet)
        where TPacket : IMqttPacket =>
        ReceiveBytes(Codec.Encode(packet, Version));

    public void ReceiveBytes(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        Session.HandleReceived(ref buffer);
        Flush();
    }

    /// <summary>The transport dropped.</summary>
    public void LoseConnection()
    {
        Flush();
        Session.HandleConnectionLost();
        Flush();
    }

    /// <summary>Moves the clock to <paramref name="elapsed"/> since start, firing each timer at its own deadline.</summary>
    public void AdvanceTo(TimeSpan elapsed)
    {
        long target = _start + (long)(elapsed.TotalSeconds * Time.TimestampFrequency);
        for (int guard = 0; guard < 100_000 && Session.PollTimeout() is long deadline && deadline <= target; guard++)
        {
            SetClock(deadline);
            Session.HandleTimeout();
            Flush();
        }

        SetClock(target);
    }

    public void Advance(TimeSpan by) => AdvanceTo(Now + by);

    /// <summary>CONNECT, then the given CONNACK (success by default). Returns the CONNECT the session sent.</summary>
    public ConnectPacket Connect(ConnAckPacket? connAck = null)
    {
        Session.Connect();
        ConnectPacket connect = SentOne<ConnectPacket>();
        Receive(connAck ?? new ConnAckPacket());
        return connect;
    }

    public List<SessionEvent> EventsOf(SessionEventKind kind) => Events.Where(e => e.Kind == kind).ToList();

    public void OnMessage(in InboundMessage message)
    {
        var user = new List<string>();
        foreach (UserProperty p in message.Properties.UserProperties)
        {
            user.Add($"{p.Name}={p.Value}");
        }

        Messages.Add(new ReceivedMessage(message.Topic.ToString(), message.Payload.ToArray(), message.Qos, message.Retain, message.Dup, [.. user]));
    }

    /// <summary>What a driver does after every input: write out everything queued, collect events.</summary>
    public void Flush()
    {
        var output = new ArrayBufferWriter<byte>();
        while (Session.PollTransmit(output) > 0)
        {
        }

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        while (!buffer.IsEmpty)
        {
            // The server side decodes whatever the client sent, CONNECT included.
            Assert.Equal(OperationStatus.Done, PacketDecoder.TryDecode(ref buffer, Version, Codec.NoLimit, out IMqttPacket? packet));
            _unread.Add(packet!);
            Log.Add(new SentPacket(Now, packet!));
        }

        while (Session.TryPollEvent(out SessionEvent e))
        {
            Events.Add(e);
        }
    }

    private void SetClock(long timestamp)
    {
        long now = Time.GetTimestamp();
        if (timestamp > now)
        {
            Time.Advance(TimeSpan.FromTicks((long)((timestamp - now) * (TimeSpan.TicksPerSecond / (double)Time.TimestampFrequency))));
        }
    }
}
