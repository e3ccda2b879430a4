namespace CloudSignal.Mqtt.Protocol;

/// <summary>PINGRESP (5.0 §3.13, 3.1.1 §3.13): the server's answer to PINGREQ. Always two bytes on the wire; no body.</summary>
internal readonly record struct PingRespPacket : IMqttPacket
{
    public PacketType Type => PacketType.PingResp;

    public byte FixedHeaderFlags => 0;

    public int GetRemainingLength(MqttProtocolVersion version) => 0;

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
    }

    public static PingRespPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        reader.ExpectEnd("PINGRESP");
        return default;
    }
}
