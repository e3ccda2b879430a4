namespace CloudSignal.Mqtt.Protocol;

// STUB: to be implemented.
internal readonly record struct AuthPacket : IMqttPacket
{
    public PacketType Type => PacketType.Auth;

    public byte FixedHeaderFlags => FixedHeader.RequiredFlags(PacketType.Auth);

    public int GetRemainingLength(MqttProtocolVersion version) => throw new NotImplementedException();

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version) => throw new NotImplementedException();

    public static AuthPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version) => throw new NotImplementedException();
}
