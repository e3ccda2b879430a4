using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/// <summary>An application message to publish. Holds references only: no copy of the payload.</summary>
internal readonly record struct OutboundMessage(
    string Topic,
    ReadOnlyMemory<byte> Payload,
    MqttQos Qos = MqttQos.AtMostOnce,
    bool Retain = false,
    PublishPacketProperties Properties = default)
{
    /// <summary>The PUBLISH for this message; the topic alias and DUP are decided at send time.</summary>
    internal PublishPacket ToPacket(ushort packetIdentifier, bool dup) => new()
    {
        Dup = dup,
        Qos = Qos,
        Retain = Retain,
        TopicName = Topic,
        PacketIdentifier = packetIdentifier,
        Properties = Properties,
        Payload = Payload,
    };
}

/// <summary>
/// Receives application messages as the session decodes them. Topic and payload are borrowed:
/// slices of the receive buffer, valid only during the call; copy what must outlive it.
/// </summary>
internal interface IInboundMessageHandler
{
    void OnMessage(in InboundMessage message);
}

/// <summary>A received application message, topic aliases already resolved. Borrowed (see <see cref="IInboundMessageHandler"/>).</summary>
internal readonly ref struct InboundMessage
{
    public InboundMessage(in PublishPacket packet, MqttString topic)
    {
        Topic = topic;
        Payload = packet.Payload.Bytes;
        Qos = packet.Qos;
        Retain = packet.Retain;
        Dup = packet.Dup;
        Properties = packet.Properties;
    }

    public MqttString Topic { get; }

    public System.Buffers.ReadOnlySequence<byte> Payload { get; }

    public MqttQos Qos { get; }

    public bool Retain { get; }

    public bool Dup { get; }

    public PublishPacketProperties Properties { get; }
}
