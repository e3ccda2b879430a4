namespace CloudSignal.Mqtt.Bench;

/// <summary>The few operations a scenario needs, so both libraries run the same loop.</summary>
internal interface IBenchClient : IAsyncDisposable
{
    Task ConnectAsync(int port, string clientId);

    /// <summary>Subscribes; <paramref name="onMessage"/> gets each received payload's length.</summary>
    Task SubscribeAsync(string topic, int qos, Action<int> onMessage);

    /// <summary>Publishes; a ValueTask so a library's allocation-free path stays allocation-free in the harness.</summary>
    ValueTask PublishAsync(string topic, byte[] payload, int qos);

    Task DisconnectAsync();
}
