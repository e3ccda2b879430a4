namespace CloudSignal.Mqtt.Protocol;

// STUB: to be implemented.
internal readonly record struct UnsubAckPacket : IMqttPacket
{
    public PacketType Type => PacketType.UnsubAck;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.UnsubAck);

    public int GetRemainingLength(MqttProtocolVersion version) => throw new NotImplementedException();

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) => throw new NotImplementedException();

    public static UnsubAckPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version) => throw new NotImplementedException();
}
