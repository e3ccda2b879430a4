namespace CloudSignal.Mqtt.Protocol;

/// <summary>PUBACK (5.0 §3.4, 3.1.1 §3.4): QoS 1 acknowledgement. Layout in <see cref="PublishResponse"/>.</summary>
internal readonly record struct PubAckPacket(
    ushort PacketIdentifier,
    MqttReasonCode ReasonCode = MqttReasonCode.Success,
    AckProperties Properties = default) : IMqttPacket
{
    public PacketType Type => PacketType.PubAck;

    public byte FixedHeaderFlags => 0;

    public int GetRemainingLength(MqttProtocolVersion version) =>
        PublishResponse.GetRemainingLength(Type, PacketIdentifier, ReasonCode, Properties, version);

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) =>
        PublishResponse.Write(ref writer, PacketIdentifier, ReasonCode, Properties, version);

    public static PubAckPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        PublishResponse.Read(ref reader, PacketType.PubAck, version, out ushort id, out MqttReasonCode reasonCode, out AckProperties properties);
        return new PubAckPacket(id, reasonCode, properties);
    }
}
