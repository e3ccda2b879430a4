using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// One packet on one connection, offered to <see cref="FaultScript.DropAt"/> before the broker
/// acts on it (received) or writes it (sent).
/// </summary>
/// <param name="Connection">The connection's number, from 1 in accept order.</param>
/// <param name="ClientId">The client identifier of the connection's CONNECT (empty before it).</param>
/// <param name="Direction">Received from, or sent to, the client.</param>
/// <param name="Type">The packet type.</param>
/// <param name="Index">1 for the first packet of this type in this direction on this connection, 2 for the second, …</param>
/// <param name="PacketId">The packet identifier, 0 when the packet has none.</param>
/// <param name="Qos">The QoS of a PUBLISH (0 for other packets).</param>
/// <param name="Dup">The DUP flag of a PUBLISH.</param>
internal readonly record struct FaultPoint(
    int Connection,
    string ClientId,
    PacketDirection Direction,
    PacketType Type,
    int Index,
    ushort PacketId,
    MqttQos Qos,
    bool Dup);
