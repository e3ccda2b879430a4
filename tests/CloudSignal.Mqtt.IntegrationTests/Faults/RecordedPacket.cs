using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// A packet the broker received or sent on one connection, with what tests assert on. Topic and
/// payload are copies (the decoder's slices die with the receive buffer).
/// </summary>
/// <param name="Direction">Received from, or sent to, the client.</param>
/// <param name="Type">The packet type (for <see cref="Malformed"/> bytes: the type nibble of their first byte).</param>
/// <param name="PacketId">The packet identifier, 0 when the packet has none.</param>
/// <param name="Qos">The QoS of a PUBLISH.</param>
/// <param name="Dup">The DUP flag of a PUBLISH.</param>
/// <param name="Topic">The topic of a PUBLISH.</param>
/// <param name="Payload">The payload of a PUBLISH, or the raw bytes of a malformed packet.</param>
/// <param name="ReasonCode">The reason code (5.0), or the CONNACK return code (3.1.1), where the packet has one.</param>
/// <param name="SessionPresent">The Session Present flag of a CONNACK.</param>
/// <param name="Timestamp">When it was received or queued to send (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>).</param>
/// <param name="Dropped">
/// The script cut the connection at this packet: received, it was not acted on; to send, it was
/// never written.
/// </param>
/// <param name="Malformed">Raw bytes sent by <see cref="FaultScript.SendMalformed"/>.</param>
internal sealed record RecordedPacket(
    PacketDirection Direction,
    PacketType Type,
    ushort PacketId = 0,
    MqttQos Qos = MqttQos.AtMostOnce,
    bool Dup = false,
    string? Topic = null,
    byte[]? Payload = null,
    MqttReasonCode? ReasonCode = null,
    bool SessionPresent = false,
    long Timestamp = 0,
    bool Dropped = false,
    bool Malformed = false);
