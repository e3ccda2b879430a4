namespace CloudSignal.Mqtt;

/// <summary>
/// A publish made while offline found the offline queue full
/// (<see cref="CloudSignalOptions.OfflineQueueCapacity"/>, <see cref="OfflineQueueFullMode.Fail"/>).
/// The message was not queued.
/// </summary>
public sealed class MqttQueueFullException : MqttException
{
    /// <summary>Creates the exception with the default message.</summary>
    public MqttQueueFullException()
        : base("The offline queue is full; the message was not queued.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MqttQueueFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public MqttQueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
