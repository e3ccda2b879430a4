namespace CloudSignal.Mqtt.Protocol;

// STUB: to be implemented.
internal readonly record struct ConnAckPacket : IMqttPacket
{
    public PacketType Type => PacketType.ConnAck;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.ConnAck);

    public int GetRemainingLength(MqttProtocolVersion version) => throw new NotImplementedException();

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) => throw new NotImplementedException();

    public static ConnAckPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version) => throw new NotImplementedException();
}
