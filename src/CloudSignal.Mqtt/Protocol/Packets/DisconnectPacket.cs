namespace CloudSignal.Mqtt.Protocol;

// STUB: to be implemented.
internal readonly record struct DisconnectPacket : IMqttPacket
{
    public PacketType Type => PacketType.Disconnect;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.Disconnect);

    public int GetRemainingLength(MqttProtocolVersion version) => throw new NotImplementedException();

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) => throw new NotImplementedException();

    public static DisconnectPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version) => throw new NotImplementedException();
}
