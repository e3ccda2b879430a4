namespace CloudSignal.Mqtt;

/// <summary>Base type of every exception this library throws for an MQTT-level failure.</summary>
public class MqttException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public MqttException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MqttException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public MqttException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
