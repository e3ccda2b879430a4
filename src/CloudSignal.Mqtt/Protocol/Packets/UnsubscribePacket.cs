namespace CloudSignal.Mqtt.Protocol;

// STUB: to be implemented.
internal readonly record struct UnsubscribePacket : IMqttPacket
{
    public PacketType Type => PacketType.Unsubscribe;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.Unsubscribe);

    public int GetRemainingLength(MqttProtocolVersion version) => throw new NotImplementedException();

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) => throw new NotImplementedException();

    public static UnsubscribePacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version) => throw new NotImplementedException();
}
