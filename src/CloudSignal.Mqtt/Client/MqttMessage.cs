namespace CloudSignal.Mqtt;

/// <summary>A received application message. Owns its payload (copied out of the receive buffer).</summary>
public sealed class MqttMessage
{
    /// <summary>Creates a message.</summary>
    public MqttMessage(string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, PublishProperties properties)
    {
        Topic = topic;
        Payload = payload;
        Qos = qos;
        Retain = retain;
        Properties = properties;
    }

    /// <summary>The topic name (topic aliases already resolved).</summary>
    public string Topic { get; }

    /// <summary>The payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The QoS it was delivered at.</summary>
    public MqttQos Qos { get; }

    /// <summary>True for a retained message sent because of a new subscription.</summary>
    public bool Retain { get; }

    /// <summary>MQTT 5.0 properties (empty under 3.1.1).</summary>
    public PublishProperties Properties { get; }
}
