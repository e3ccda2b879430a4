namespace CloudSignal.Mqtt;

/// <summary>The broker refused the connection (CONNACK), or the connection attempt failed.</summary>
public sealed class MqttConnectException : MqttException
{
    /// <summary>Creates the exception with the broker's code.</summary>
    public MqttConnectException(MqttReasonCode reasonCode, string message, Exception? innerException = null)
        : base(message, innerException!)
    {
        ReasonCode = reasonCode;
    }

    /// <summary>Creates the exception (0x80 Unspecified error).</summary>
    public MqttConnectException()
        : this(MqttReasonCode.UnspecifiedError, "The connection was refused.")
    {
    }

    /// <summary>Creates the exception (0x80) with a message.</summary>
    public MqttConnectException(string message)
        : this(MqttReasonCode.UnspecifiedError, message)
    {
    }

    /// <summary>Creates the exception (0x80) with a message and a cause.</summary>
    public MqttConnectException(string message, Exception innerException)
        : this(MqttReasonCode.UnspecifiedError, message, innerException)
    {
    }

    /// <summary>The MQTT 5.0 reason code, or the 3.1.1 Connect Return Code (1–5) as its byte value.</summary>
    public MqttReasonCode ReasonCode { get; }

    /// <summary>True for a refusal of the credentials (5.0 0x86/0x87/0x8C, 3.1.1 return codes 4/5).</summary>
    public bool IsAuthenticationFailure { get; init; }
}
