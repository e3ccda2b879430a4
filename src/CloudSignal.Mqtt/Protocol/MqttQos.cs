namespace CloudSignal.Mqtt;

/// <summary>MQTT quality of service levels (MQTT 3.1.1 §4.3, MQTT 5.0 §4.3).</summary>
public enum MqttQos : byte
{
    /// <summary>QoS 0: delivered at most once, no acknowledgement.</summary>
    AtMostOnce = 0,

    /// <summary>QoS 1: delivered at least once, acknowledged by PUBACK.</summary>
    AtLeastOnce = 1,

    /// <summary>QoS 2: delivered exactly once, via PUBREC / PUBREL / PUBCOMP.</summary>
    ExactlyOnce = 2,
}
