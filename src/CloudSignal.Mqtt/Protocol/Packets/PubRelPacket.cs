namespace CloudSignal.Mqtt.Protocol;

/// <summary>PUBREL (5.0 §3.6, 3.1.1 §3.6): QoS 2 delivery part 2: publish release. Layout in <see cref="PublishResponse"/>.</summary>
internal readonly record struct PubRelPacket(
    ushort PacketIdentifier,
    MqttReasonCode ReasonCode = MqttReasonCode.Success,
    AckProperties Properties = default) : IMqttPacket
{
    public PacketType Type => PacketType.PubRel;

    public byte FixedHeaderFlags => 0x02;

    public int GetRemainingLength(MqttProtocolVersion version) =>
        PublishResponse.GetRemainingLength(Type, PacketIdentifier, ReasonCode, Properties, version);

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) =>
        PublishResponse.Write(ref writer, PacketIdentifier, ReasonCode, Properties, version);

    public static PubRelPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        PublishResponse.Read(ref reader, PacketType.PubRel, version, out ushort id, out MqttReasonCode reasonCode, out AckProperties properties);
        return new PubRelPacket(id, reasonCode, properties);
    }
}
