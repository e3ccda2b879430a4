using System.Text;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// The usage shape of shared/API.md, written the way a console app would, against the plain TCP
/// listener. Only public API is used here (no harness helpers, no internal hooks): if this file
/// compiles and passes, an application written against the contract does too.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class ConsoleSmokeTests(MosquittoFixture broker)
{
    [Fact(Timeout = 60_000)]
    public async Task ApiContractUsage_AgainstMosquitto_Works()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        CancellationToken cancellationToken = cancellation.Token;
        var log = new StringBuilder();
        string prefix = $"smoke-{Guid.NewGuid():N}";

        await using var client = new CloudSignalClient(new CloudSignalOptions
        {
            ProtocolVersion = MqttProtocolVersion.V500,
            CleanSession = true,
            KeepAlive = TimeSpan.FromSeconds(60),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            ReconnectPeriod = TimeSpan.FromSeconds(1),
        });

        client.SetOnlineCallback(() => Append(log, "Connected"));
        client.SetOfflineCallback(() => Append(log, "Connection closed"));
        client.SetAuthErrorCallback(err => Append(log, err.Message));
        client.SetReconnectingCallback(attempt => Append(log, $"Reconnecting ({attempt})"));
        client.SetMessageCallback(msg => Append(log, $"{msg.Topic}: {msg.Payload.Length} bytes"));

        await client.ConnectAsync(new ConnectParameters
        {
            // The TCP listener takes any credentials; the username has the CloudSignal form anyway.
            Host = broker.TcpUrl,
            Username = "agent-001@a1b2c3d4-e5f6-7890-abcd-ef1234567890",
            Password = Environment.GetEnvironmentVariable("MQTT_PASSWORD"),
            ClientId = $"agent-001-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}",
        }, cancellationToken);
        Assert.True(client.IsConnected);

        SubscribeResult sub = await client.SubscribeAsync($"{prefix}/sensors/+/temp", MqttQos.AtLeastOnce, cancellationToken);
        Assert.True(sub.IsSuccess);
        Assert.Equal(MqttQos.AtLeastOnce, sub.GrantedQos);

        PublishResult pub = await client.PublishAsync($"{prefix}/sensors/1/temp", "21.5"u8.ToArray(),
            MqttQos.ExactlyOnce, retain: false, cancellationToken: cancellationToken);
        Assert.True(pub.IsSuccess);
        Assert.Equal(MqttReasonCode.Success, pub.ReasonCode);

        MqttMessage? first = null;
        await foreach (MqttMessage m in client.Messages.ReadAllAsync(cancellationToken))
        {
            first = m;
            break;
        }

        Assert.NotNull(first);
        Assert.Equal($"{prefix}/sensors/1/temp", first.Topic);
        Assert.Equal("21.5"u8.ToArray(), first.Payload.ToArray());
        // Delivered at min(published QoS 2, granted QoS 1).
        Assert.Equal(MqttQos.AtLeastOnce, first.Qos);

        await client.UnsubscribeAsync($"{prefix}/sensors/+/temp", cancellationToken);
        await client.DisconnectAsync(cancellationToken);
        Assert.False(client.IsConnected);

        string[] lines;
        lock (log)
        {
            lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        Assert.Equal(["Connected", $"{prefix}/sensors/1/temp: 4 bytes", "Connection closed"], lines);
    }

    private static void Append(StringBuilder log, string line)
    {
        lock (log)
        {
            log.Append(line).Append('\n');
        }
    }
}
