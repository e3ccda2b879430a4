namespace CloudSignal.Mqtt;

/// <summary>
/// A request the server said it cannot take (5.0 CONNACK properties): a QoS above its
/// Maximum QoS, a retained message when retain is unavailable, a packet above its Maximum
/// Packet Size, or a subscription feature it lacks. Raised locally; nothing was sent.
/// </summary>
public sealed class MqttCapabilityException : MqttException
{
    /// <summary>Creates the exception with the reason code the server would have answered with.</summary>
    public MqttCapabilityException(MqttReasonCode reasonCode, string message)
        : base(message)
    {
        ReasonCode = reasonCode;
    }

    /// <summary>Creates the exception (0x83 Implementation specific error).</summary>
    public MqttCapabilityException()
        : this(MqttReasonCode.ImplementationSpecificError, "The server does not support this request.")
    {
    }

    /// <summary>Creates the exception (0x83) with a message.</summary>
    public MqttCapabilityException(string message)
        : this(MqttReasonCode.ImplementationSpecificError, message)
    {
    }

    /// <summary>Creates the exception (0x83) with a message and a cause.</summary>
    public MqttCapabilityException(string message, Exception innerException)
        : base(message, innerException)
    {
        ReasonCode = MqttReasonCode.ImplementationSpecificError;
    }

    /// <summary>0x9B QoS not supported, 0x9A Retain not supported, 0x95 Packet too large, 0xA2, 0xA1 or 0x9E for subscriptions.</summary>
    public MqttReasonCode ReasonCode { get; }
}
