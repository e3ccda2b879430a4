using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// The session target's requests followed across the wire. Each request is recognisable on the
/// wire (a publish by its payload, a SUBSCRIBE or UNSUBSCRIBE by its first filter), so the ledger
/// knows which packet identifier stands for which request, and which acknowledgements the server
/// sent for it. Oracle: a request completes at most once, and successfully only once the server
/// acknowledged it (QoS 0: once written; QoS 1: PUBACK; QoS 2: a PUBREC below 0x80, after which
/// the server owns the message; SUBSCRIBE: SUBACK; UNSUBSCRIBE: UNSUBACK) — 5.0 §4.3, §3.9, §3.11.
/// </summary>
internal sealed class FlowLedger
{
    private readonly Dictionary<long, Request> _byToken = [];
    private readonly Dictionary<string, Request> _byWireKey = new(StringComparer.Ordinal);
    private readonly Dictionary<ushort, Request> _byPacketId = [];

    public int Count => _byToken.Count;

    public int CompletedCount { get; private set; }

    public int OpenPublishes => _byToken.Values.Count(r => r.Publish && !r.Completed);

    public void AddPublish(long token, in OutboundMessage message) =>
        Add(new Request(token, Publish: true, message.Qos, Filters: 0), Convert.ToHexString(message.Payload.Span));

    public void AddControl(long token, IMqttPacket request) =>
        Add(new Request(token, Publish: false, MqttQos.AtMostOnce, request is SubscribePacket s ? s.Subscriptions.Count : ((UnsubscribePacket)request).TopicFilters.Count), ControlKey(request)!);

    /// <summary>The session wrote <paramref name="packet"/>: learn the packet identifier it gave a request.</summary>
    public void Written(IMqttPacket packet)
    {
        if (packet is PublishPacket publish)
        {
            string key = Convert.ToHexString(publish.Payload.ToArray());
            Oracle.Check(_byWireKey.TryGetValue(key, out Request? request), $"a PUBLISH nobody asked for (payload {key})");
            Oracle.Check(publish.Qos == request!.Qos, $"publish {request.Token} went out at QoS {(int)publish.Qos}, asked at {(int)request.Qos}");
            if (publish.Qos == MqttQos.AtMostOnce)
            {
                request.Seen |= Acks.Written;
            }
            else
            {
                _byPacketId[publish.PacketIdentifier] = request;
            }
        }
        else if (ControlKey(packet) is string key && _byWireKey.TryGetValue(key, out Request? request))
        {
            // A re-SUBSCRIBE after a lost session may start with a known filter: it then maps to a
            // request already completed, which the server's SUBACK cannot complete again.
            _byPacketId[packet is SubscribePacket s ? s.PacketIdentifier : ((UnsubscribePacket)packet).PacketIdentifier] = request;
        }
    }

    /// <summary>The server sent <paramref name="packet"/> (and the session may have acted on it).</summary>
    public void Received(IMqttPacket packet)
    {
        (ushort id, Acks ack) = packet switch
        {
            PubAckPacket p => (p.PacketIdentifier, Acks.PubAck),
            PubRecPacket p when (byte)p.ReasonCode < 0x80 => (p.PacketIdentifier, Acks.PubRec),
            SubAckPacket p => (p.PacketIdentifier, Acks.SubAck),
            UnsubAckPacket p => (p.PacketIdentifier, Acks.UnsubAck),
            _ => ((ushort)0, Acks.None),
        };
        if (ack != Acks.None && _byPacketId.TryGetValue(id, out Request? request))
        {
            request.Seen |= ack;
        }
    }

    public void Completed(in SessionEvent e)
    {
        Oracle.Check(_byToken.TryGetValue(e.Token, out Request? request), $"{e.Kind} for unknown token {e.Token}");
        Oracle.Check(!request!.Completed, $"request {e.Token} completed twice");
        Oracle.Check(request.Publish == (e.Kind == SessionEventKind.PublishCompleted), $"{e.Kind} for request {e.Token}, which is not of that kind");
        request.Completed = true;
        CompletedCount++;
        if (request.Publish)
        {
            Acks needed = request.Qos switch
            {
                MqttQos.AtMostOnce => Acks.Written,
                MqttQos.AtLeastOnce => Acks.PubAck,
                _ => Acks.PubRec,
            };
            Oracle.Check(!e.IsSuccess || (request.Seen & needed) != 0, $"QoS {(int)request.Qos} publish {e.Token} completed with 0x{(byte)e.ReasonCode:X2} without {needed}");
            return;
        }

        Oracle.Check(e.Detail is MqttReasonCode[] codes && codes.Length == request.Filters, $"{e.Kind} without one reason code per filter");
        Acks ackNeeded = e.Kind == SessionEventKind.SubscribeCompleted ? Acks.SubAck : Acks.UnsubAck;
        Oracle.Check(!e.IsSuccess || (request.Seen & ackNeeded) != 0, $"{e.Kind} {e.Token} succeeded without {ackNeeded}");
    }

    private static string? ControlKey(IMqttPacket packet) => packet switch
    {
        SubscribePacket s => $"subscribe {s.Subscriptions[0].TopicFilter}",
        UnsubscribePacket u => $"unsubscribe {u.TopicFilters[0]}",
        _ => null,
    };

    private void Add(Request request, string wireKey)
    {
        Oracle.Check(_byWireKey.TryAdd(wireKey, request), $"two requests look alike on the wire ({wireKey})");
        _byToken.Add(request.Token, request);
    }

    [Flags]
    private enum Acks
    {
        None = 0,
        Written = 1,
        PubAck = 2,
        PubRec = 4,
        SubAck = 8,
        UnsubAck = 16,
    }

    private sealed record Request(long Token, bool Publish, MqttQos Qos, int Filters)
    {
        public Acks Seen { get; set; }

        public bool Completed { get; set; }
    }
}
