namespace CloudSignal.Mqtt.Protocol;

// STUB: to be implemented.
internal readonly record struct SubscribePacket : IMqttPacket
{
    public PacketType Type => PacketType.Subscribe;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.Subscribe);

    public int GetRemainingLength(MqttProtocolVersion version) => throw new NotImplementedException();

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) => throw new NotImplementedException();

    public static SubscribePacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version) => throw new NotImplementedException();
}
