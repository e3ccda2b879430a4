using System.Buffers;
using System.Runtime.InteropServices;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

internal enum OutgoingKind : byte
{
    /// <summary>CONNECT, SUBSCRIBE, UNSUBSCRIBE, DISCONNECT, AUTH: rare, kept boxed.</summary>
    Control,
    PublishQos0,

    /// <summary>A QoS 1/2 PUBLISH whose message lives in the inflight table.</summary>
    PublishInflight,
    PubAck,
    PubRec,
    PubRel,
    PubComp,
    PingReq,
}

/// <summary>One packet waiting in the transmit queue. Hot packets are stored unboxed.</summary>
internal readonly record struct Outgoing(
    OutgoingKind Kind,
    ushort PacketIdentifier = 0,
    MqttReasonCode ReasonCode = MqttReasonCode.Success,
    long Token = 0,
    OutboundMessage Message = default,
    IMqttPacket? Packet = null)
{
    public static Outgoing Control(IMqttPacket packet) => new(OutgoingKind.Control, Packet: packet);
}

internal sealed partial class MqttSession
{
    private readonly OutboundTopicAliases _outboundAliases = new();

    private int Write(IBufferWriter<byte> output, in Outgoing item)
    {
        switch (item.Kind)
        {
            case OutgoingKind.PublishQos0:
            {
                int n = WritePublish(output, item.Message.ToPacket(0, dup: false));
                _events.Enqueue(new SessionEvent(SessionEventKind.PublishCompleted, item.Token));
                return n;
            }

            case OutgoingKind.PublishInflight:
            {
                ref InflightPublish entry = ref CollectionsMarshal.GetValueRefOrNullRef(_inflight, item.PacketIdentifier);
                if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
                {
                    return 0; // completed or dropped while queued
                }

                // [MQTT-3.3.1-1]: DUP marks a re-delivery of a PUBLISH that was sent before.
                int n = WritePublish(output, entry.Message.ToPacket(item.PacketIdentifier, dup: entry.Sent));
                if (!entry.Sent)
                {
                    // The store learns the identifier when the PUBLISH is written, so a restored
                    // flow with an identifier was sent before and goes again with DUP.
                    _store?.SetPacketIdentifier(entry.Token, item.PacketIdentifier);
                }

                entry.Sent = true;
                return n;
            }

            case OutgoingKind.PubAck: return PacketEncoder.Write(output, new PubAckPacket(item.PacketIdentifier, item.ReasonCode), _version);
            case OutgoingKind.PubRec: return PacketEncoder.Write(output, new PubRecPacket(item.PacketIdentifier, item.ReasonCode), _version);
            case OutgoingKind.PubRel: return PacketEncoder.Write(output, new PubRelPacket(item.PacketIdentifier, item.ReasonCode), _version);
            case OutgoingKind.PubComp: return PacketEncoder.Write(output, new PubCompPacket(item.PacketIdentifier, item.ReasonCode), _version);
            case OutgoingKind.PingReq: return PacketEncoder.Write(output, default(PingReqPacket), _version);
            default:
                // A SUBACK/UNSUBACK counts only once its request is on the wire (see Acknowledge).
                if (item.Packet is SubscribePacket subscribe)
                {
                    _unsentControl.Remove(subscribe.PacketIdentifier);
                }
                else if (item.Packet is UnsubscribePacket unsubscribe)
                {
                    _unsentControl.Remove(unsubscribe.PacketIdentifier);
                }

                return PacketEncoder.Write(output, item.Packet!, _version);
        }
    }

    /// <summary>Writes a PUBLISH, giving it a topic alias when automatic aliases are on (5.0).</summary>
    private int WritePublish(IBufferWriter<byte> output, PublishPacket packet)
    {
        if (_options.AutomaticTopicAliases && _version == MqttProtocolVersion.V500 && _outboundAliases.Enabled)
        {
            string topic = packet.TopicName.ToString();
            bool known = _outboundAliases.IsKnown(topic);

            // The alias property adds 3 bytes, and a first use still carries the topic: check the
            // aliased form against the server's Maximum Packet Size [MQTT-3.1.2-24] before
            // committing to it (the plain form was checked when the publish was accepted).
            PublishPacket aliased = packet with
            {
                TopicName = known ? MqttString.Empty : packet.TopicName,
                Properties = packet.Properties with { TopicAlias = 1 },
            };
            if ((uint)PacketEncoder.GetSize(aliased, _version) <= _serverMaximumPacketSize &&
                _outboundAliases.Assign(topic, out _) is ushort alias)
            {
                packet = aliased with { Properties = aliased.Properties with { TopicAlias = alias } };
            }
        }

        return PacketEncoder.Write(output, packet, _version);
    }
}
