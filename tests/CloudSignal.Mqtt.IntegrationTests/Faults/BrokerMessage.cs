using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// An application message the broker accepted from a publisher and routed: every QoS 0/1 PUBLISH
/// received (a QoS 1 resend counts again: at least once), a QoS 2 PUBLISH only the first time its
/// packet identifier is seen before PUBREL (exactly once). This is the broker's delivery record.
/// </summary>
internal sealed record BrokerMessage(int Connection, string ClientId, string Topic, byte[] Payload, MqttQos Qos, bool Dup);
