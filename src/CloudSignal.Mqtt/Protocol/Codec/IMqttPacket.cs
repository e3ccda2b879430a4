namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// What every packet type offers the encoder. Packets are readonly structs; the encoder
/// calls these through a generic constraint, so nothing is boxed.
/// </summary>
internal interface IMqttPacket
{
    PacketType Type { get; }

    /// <summary>The low nibble of byte 1 (5.0 §2.1.3).</summary>
    byte FixedHeaderFlags { get; }

    /// <summary>Validates the packet for <paramref name="version"/> and returns its Remaining Length.</summary>
    int GetRemainingLength(MqttProtocolVersion version);

    /// <summary>Writes everything after the fixed header.</summary>
    void WriteBody(ref MqttWriter writer, MqttProtocolVersion version);
}
