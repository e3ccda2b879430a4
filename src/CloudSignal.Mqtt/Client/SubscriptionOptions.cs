namespace CloudSignal.Mqtt;

/// <summary>Per-subscription options (MQTT 5.0 §3.8.3.1; only <see cref="Qos"/> applies under 3.1.1).</summary>
public sealed class SubscriptionOptions
{
    /// <summary>The maximum QoS the broker may deliver at.</summary>
    public MqttQos Qos { get; init; }

    /// <summary>MQTT 5.0: do not receive our own publications on this subscription.</summary>
    public bool NoLocal { get; init; }

    /// <summary>MQTT 5.0: keep the RETAIN flag as published instead of clearing it.</summary>
    public bool RetainAsPublished { get; init; }

    /// <summary>MQTT 5.0: 0 send retained at subscribe, 1 only for a new subscription, 2 never.</summary>
    public MqttRetainHandling RetainHandling { get; init; }

    /// <summary>MQTT 5.0: identifier echoed in matching messages (1 … 268,435,455).</summary>
    public int? SubscriptionIdentifier { get; init; }
}

/// <summary>When the broker sends retained messages for a new subscription (MQTT 5.0).</summary>
public enum MqttRetainHandling
{
    /// <summary>Send retained messages at the time of the subscribe.</summary>
    SendAtSubscribe = 0,

    /// <summary>Send them only if the subscription did not already exist.</summary>
    SendAtSubscribeIfNew = 1,

    /// <summary>Do not send retained messages at subscribe.</summary>
    DoNotSend = 2,
}
