using System.Runtime.CompilerServices;
namespace CloudSignal.Mqtt.Bench;

/// <summary>
/// CloudSignalClient over MQTT 5 on its hot path: publishes through the allocation-free
/// PublishAsync(MqttTopicName, …) overload, receives through the borrowed-view callback
/// (Messages is never read, so nothing is copied per message).
/// </summary>
internal sealed class CloudSignalBenchClient : IBenchClient
{
    private readonly CloudSignalClient _client = new(new CloudSignalOptions
    {
        ProtocolVersion = MqttProtocolVersion.V500,
        CleanSession = true,
        ReconnectPeriod = TimeSpan.Zero,
    });

    private MqttTopicName _topic;

    public Task ConnectAsync(int port, string clientId) =>
        _client.ConnectAsync(new ConnectParameters { Host = $"mqtt://127.0.0.1:{port}", ClientId = clientId });

    public async Task SubscribeAsync(string topic, int qos, Action<int> onMessage)
    {
        _client.SetMessageViewCallback(message => onMessage((int)message.Payload.Length));
        SubscribeResult result = await _client.SubscribeAsync(topic, (MqttQos)qos);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"subscribe to {topic} refused");
        }
    }

    // Pooled builder (both adapters): the harness's own await must not add an allocation per message.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PublishAsync(string topic, byte[] payload, int qos)
    {
        if (!ReferenceEquals(_topic.Name, topic))
        {
            _topic = new MqttTopicName(topic); // checked once per topic, not per message
        }

        PublishResult result = await _client.PublishAsync(_topic, payload, (MqttQos)qos);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish refused: {result.ReasonCode}");
        }
    }

    public Task DisconnectAsync() => _client.DisconnectAsync();

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
