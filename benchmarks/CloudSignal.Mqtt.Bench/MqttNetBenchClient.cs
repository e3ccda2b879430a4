using System.Runtime.CompilerServices;
using MQTTnet;
using MQTTnet.Protocol;
using NetVersion = MQTTnet.Formatter.MqttProtocolVersion;

namespace CloudSignal.Mqtt.Bench;

/// <summary>MQTTnet 5 IMqttClient over MQTT 5, used the way its README shows (builder per message).</summary>
internal sealed class MqttNetBenchClient : IBenchClient
{
    private readonly MqttClientFactory _factory = new();
    private readonly IMqttClient _client;

    public MqttNetBenchClient() => _client = _factory.CreateMqttClient();

    public Task ConnectAsync(int port, string clientId)
    {
        MqttClientOptions options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(NetVersion.V500)
            .WithClientId(clientId)
            .WithCleanSession()
            .Build();
        return _client.ConnectAsync(options);
    }

    public async Task SubscribeAsync(string topic, int qos, Action<int> onMessage)
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            onMessage((int)e.ApplicationMessage.Payload.Length);
            return Task.CompletedTask;
        };
        MqttClientSubscribeOptions options = _factory.CreateSubscribeOptionsBuilder()
            .WithTopicFilter(topic, (MqttQualityOfServiceLevel)qos)
            .Build();
        MqttClientSubscribeResult result = await _client.SubscribeAsync(options);
        if ((int)result.Items.First().ResultCode > 2)
        {
            throw new InvalidOperationException($"subscribe to {topic} refused");
        }
    }

    // Pooled builder (both adapters): the harness's own await must not add an allocation per message.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask PublishAsync(string topic, byte[] payload, int qos)
    {
        MqttApplicationMessage message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos)
            .Build();
        MqttClientPublishResult result = await _client.PublishAsync(message);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish refused: {result.ReasonCode}");
        }
    }

    public Task DisconnectAsync() => _client.DisconnectAsync();

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
