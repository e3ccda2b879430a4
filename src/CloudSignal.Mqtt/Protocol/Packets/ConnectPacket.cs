namespace CloudSignal.Mqtt.Protocol;

// STUB: to be implemented.
internal readonly record struct ConnectPacket : IMqttPacket
{
    public PacketType Type => PacketType.Connect;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.Connect);

    public int GetRemainingLength(MqttProtocolVersion version) => throw new NotImplementedException();

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) => throw new NotImplementedException();

    public static ConnectPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version) => throw new NotImplementedException();
}
