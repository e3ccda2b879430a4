namespace CloudSignal.Mqtt;

/// <summary>The Will Message: published by the broker when the connection ends without a clean DISCONNECT.</summary>
public sealed class WillMessage
{
    /// <summary>Topic name (no wildcards).</summary>
    public required string Topic { get; init; }

    /// <summary>Payload bytes.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>QoS of the will publication.</summary>
    public MqttQos Qos { get; init; }

    /// <summary>Whether the broker retains the will publication.</summary>
    public bool Retain { get; init; }

    /// <summary>MQTT 5.0: delay before the broker publishes the will.</summary>
    public TimeSpan DelayInterval { get; init; }

    /// <summary>MQTT 5.0: properties of the will publication.</summary>
    public PublishProperties? Properties { get; init; }
}
