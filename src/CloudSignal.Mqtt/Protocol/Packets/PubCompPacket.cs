namespace CloudSignal.Mqtt.Protocol;

/// <summary>PUBCOMP (5.0 §3.7, 3.1.1 §3.7): QoS 2 delivery part 3: publish complete. Layout in <see cref="PublishResponse"/>.</summary>
internal readonly record struct PubCompPacket(
    ushort PacketIdentifier,
    MqttReasonCode ReasonCode = MqttReasonCode.Success,
    AckProperties Properties = default) : IMqttPacket
{
    public PacketType Type => PacketType.PubComp;

    public byte FixedHeaderFlags => 0;

    public int GetRemainingLength(MqttProtocolVersion version) =>
        PublishResponse.GetRemainingLength(Type, PacketIdentifier, ReasonCode, Properties, version);

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) =>
        PublishResponse.Write(ref writer, PacketIdentifier, ReasonCode, Properties, version);

    public static PubCompPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        PublishResponse.Read(ref reader, PacketType.PubComp, version, out ushort id, out MqttReasonCode reasonCode, out AckProperties properties);
        return new PubCompPacket(id, reasonCode, properties);
    }
}
