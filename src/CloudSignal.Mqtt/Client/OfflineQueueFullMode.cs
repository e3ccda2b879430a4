namespace CloudSignal.Mqtt;

/// <summary>What <c>CloudSignalClient.PublishAsync</c> does when the offline queue is full.</summary>
public enum OfflineQueueFullMode
{
    /// <summary>Throw <see cref="MqttQueueFullException"/> at once; nothing is queued (the default).</summary>
    Fail,

    /// <summary>Wait (back-pressure) until the client is connected again and the queue drains below its capacity.</summary>
    Wait,
}
