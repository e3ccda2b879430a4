namespace CloudSignal.Mqtt.Bench;

/// <summary>CloudSignalClient over MQTT 5, messages taken through the callback (Messages is never read).</summary>
internal sealed class CloudSignalBenchClient : IBenchClient
{
    private readonly CloudSignalClient _client = new(new CloudSignalOptions
    {
        ProtocolVersion = MqttProtocolVersion.V500,
        CleanSession = true,
        ReconnectPeriod = TimeSpan.Zero,
    });

    public Task ConnectAsync(int port, string clientId) =>
        _client.ConnectAsync(new ConnectParameters { Host = $"mqtt://127.0.0.1:{port}", ClientId = clientId });

    public async Task SubscribeAsync(string topic, int qos, Action<int> onMessage)
    {
        _client.SetMessageCallback(message => onMessage(message.Payload.Length));
        SubscribeResult result = await _client.SubscribeAsync(topic, (MqttQos)qos);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"subscribe to {topic} refused");
        }
    }

    public async Task PublishAsync(string topic, byte[] payload, int qos)
    {
        PublishResult result = await _client.PublishAsync(topic, payload, (MqttQos)qos);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish refused: {result.ReasonCode}");
        }
    }

    public Task DisconnectAsync() => _client.DisconnectAsync();

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
