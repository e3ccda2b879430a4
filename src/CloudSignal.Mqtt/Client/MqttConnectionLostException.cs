namespace CloudSignal.Mqtt;

/// <summary>
/// Why an established connection ended without <see cref="CloudSignalClient.DisconnectAsync"/>:
/// handed to <see cref="CloudSignalClient.SetErrorCallback"/>. A broker that broke the protocol
/// is reported as <see cref="MqttProtocolException"/> instead, with the code we closed with.
/// </summary>
public sealed class MqttConnectionLostException : MqttException
{
    /// <summary>Creates the exception with the reason code of the close.</summary>
    public MqttConnectionLostException(MqttReasonCode reasonCode, string message, Exception? innerException = null)
        : base(message, innerException!)
    {
        ReasonCode = reasonCode;
    }

    /// <summary>Creates the exception (0x80 Unspecified error).</summary>
    public MqttConnectionLostException()
        : this(MqttReasonCode.UnspecifiedError, "The connection was lost.")
    {
    }

    /// <summary>Creates the exception (0x80) with a message.</summary>
    public MqttConnectionLostException(string message)
        : this(MqttReasonCode.UnspecifiedError, message)
    {
    }

    /// <summary>Creates the exception (0x80) with a message and a cause.</summary>
    public MqttConnectionLostException(string message, Exception innerException)
        : this(MqttReasonCode.UnspecifiedError, message, innerException)
    {
    }

    /// <summary>
    /// The server's DISCONNECT reason code (5.0), 0x8D Keep alive timeout when the broker stopped
    /// answering, 0x80 Unspecified error for a transport failure.
    /// </summary>
    public MqttReasonCode ReasonCode { get; }
}
