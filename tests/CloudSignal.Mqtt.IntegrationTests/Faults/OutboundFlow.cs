using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>Where a QoS 1/2 PUBLISH from the broker to a client stands.</summary>
internal enum OutboundState
{
    AwaitingPubAck,
    AwaitingPubRec,
    AwaitingPubComp,
}

/// <summary>A QoS 1/2 message on its way from the broker to one client session.</summary>
internal sealed class OutboundFlow(string topic, byte[] payload, MqttQos qos, long sequence)
{
    public string Topic { get; } = topic;

    public byte[] Payload { get; } = payload;

    public MqttQos Qos { get; } = qos;

    /// <summary>Routing order: a resumed session resends in it [MQTT-4.6.0-1].</summary>
    public long Sequence { get; } = sequence;

    public ushort PacketId { get; set; }

    public OutboundState State { get; set; } = qos == MqttQos.AtLeastOnce ? OutboundState.AwaitingPubAck : OutboundState.AwaitingPubRec;

    /// <summary>Written at least once, so a resend carries DUP.</summary>
    public bool Sent { get; set; }
}
