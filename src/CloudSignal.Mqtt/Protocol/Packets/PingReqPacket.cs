namespace CloudSignal.Mqtt.Protocol;

/// <summary>PINGREQ (5.0 §3.12, 3.1.1 §3.12): a keepalive probe from the client. Always two bytes on the wire; no body.</summary>
internal readonly record struct PingReqPacket : IMqttPacket
{
    public PacketType Type => PacketType.PingReq;

    public byte FixedHeaderFlags => 0;

    public int GetRemainingLength(MqttProtocolVersion version) => 0;

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
    }

    public static PingReqPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        reader.ExpectEnd("PINGREQ");
        return default;
    }
}
