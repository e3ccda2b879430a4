namespace CloudSignal.Mqtt.Protocol;

/// <summary>PUBREC (5.0 §3.5, 3.1.1 §3.5): QoS 2 delivery part 1: publish received. Layout in <see cref="PublishResponse"/>.</summary>
internal readonly record struct PubRecPacket(
    ushort PacketIdentifier,
    MqttReasonCode ReasonCode = MqttReasonCode.Success,
    AckProperties Properties = default) : IMqttPacket
{
    public PacketType Type => PacketType.PubRec;

    public byte FixedHeaderFlags => 0;

    public int GetRemainingLength(MqttProtocolVersion version) =>
        PublishResponse.GetRemainingLength(Type, PacketIdentifier, ReasonCode, Properties, version);

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) =>
        PublishResponse.Write(ref writer, PacketIdentifier, ReasonCode, Properties, version);

    public static PubRecPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        PublishResponse.Read(ref reader, PacketType.PubRec, version, out ushort id, out MqttReasonCode reasonCode, out AckProperties properties);
        return new PubRecPacket(id, reasonCode, properties);
    }
}
