namespace CloudSignal.Mqtt.Protocol;

// STUB: to be implemented.
internal readonly record struct SubAckPacket : IMqttPacket
{
    public PacketType Type => PacketType.SubAck;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.SubAck);

    public int GetRemainingLength(MqttProtocolVersion version) => throw new NotImplementedException();

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) => throw new NotImplementedException();

    public static SubAckPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version) => throw new NotImplementedException();
}
