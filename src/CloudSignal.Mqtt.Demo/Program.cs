// The main job: a local mosquitto, and CloudSignalClient used exactly as ../shared/API.md shows.
using System.Diagnostics;
using System.Text;
using CloudSignal.Mqtt;
using CloudSignal.Mqtt.Demo;

using LocalMosquitto broker = await LocalMosquitto.StartAsync();
Console.WriteLine($"mosquitto listening on 127.0.0.1:{broker.Port}");

await using var client = new CloudSignalClient(new CloudSignalOptions
{
    ProtocolVersion = MqttProtocolVersion.V500,
    CleanSession = true,
    KeepAlive = TimeSpan.FromSeconds(60),
    ConnectTimeout = TimeSpan.FromSeconds(30),
    ReconnectPeriod = TimeSpan.FromSeconds(1),
});

client.SetOnlineCallback(() => Console.WriteLine("Connected"));
client.SetOfflineCallback(() => Console.WriteLine("Connection closed"));
client.SetAuthErrorCallback(err => Console.Error.WriteLine(err.Message));
client.SetReconnectingCallback(attempt => Console.WriteLine($"Reconnecting ({attempt})"));

await client.ConnectAsync(new ConnectParameters
{
    Host = $"mqtt://127.0.0.1:{broker.Port}",
    ClientId = $"demo-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}",
});

SubscribeResult sub = await client.SubscribeAsync("sensors/+/temp", MqttQos.ExactlyOnce);
Console.WriteLine($"Subscribed to sensors/+/temp, granted {sub.GrantedQos}");

foreach (MqttQos qos in new[] { MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.ExactlyOnce })
{
    PublishResult pub = await client.PublishAsync($"sensors/{(int)qos}/temp", Encoding.UTF8.GetBytes($"21.{(int)qos}"), qos);
    MqttMessage m = await client.Messages.ReadAsync();
    Console.WriteLine($"QoS {(int)qos}: published (0x{(byte)pub.ReasonCode:X2}), received {m.Topic}: {Encoding.UTF8.GetString(m.Payload.Span)} at QoS {(int)m.Qos}");
}

// One-line throughput: QoS 1 publishes, a window of them in flight, each received back.
const int Count = 20_000;
byte[] payload = new byte[64];
var clock = Stopwatch.StartNew();
var receiving = Task.Run(async () =>
{
    for (int i = 0; i < Count; i++)
    {
        await client.Messages.ReadAsync();
    }
});
var window = new List<Task<PublishResult>>(Count);
for (int i = 0; i < Count; i++)
{
    window.Add(client.PublishAsync("sensors/bench/temp", payload, MqttQos.AtLeastOnce));
}

await Task.WhenAll(window);
await receiving;
clock.Stop();
Console.WriteLine($"Throughput: {Count:N0} QoS 1 messages of {payload.Length} B published and received in {clock.Elapsed.TotalSeconds:F2} s = {Count / clock.Elapsed.TotalSeconds:N0} msg/s");

await client.UnsubscribeAsync("sensors/+/temp");
await client.DisconnectAsync();
Console.WriteLine("Done; stopping mosquitto.");
