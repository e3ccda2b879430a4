using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// Interop with the reference command-line clients: what CloudSignalClient publishes,
/// mosquitto_sub receives byte-exact; what mosquitto_pub publishes, CloudSignalClient receives
/// byte-exact. Payloads hold every byte value, including 0x00 and a trailing newline.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class InteropTests(MosquittoFixture broker)
{
    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task OurPublish_MosquittoSub_ReceivesByteExact(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        string topic = ClientHarness.Topic("interop-out");
        byte[] payload = BinaryPayload(20_000);
        string subVersion = version == MqttProtocolVersion.V500 ? "mqttv5" : "mqttv311";

        // -N: no newline added; -C 1: exit after one message.
        using MosquittoSub sub = broker.StartMosquittoSub([.. broker.TcpArgs, "-V", subVersion, "-t", topic, "-q", "1", "-C", "1", "-N"]);
        await sub.WaitUntilSubscribedAsync(ClientHarness.Step);

        await using CloudSignalClient client = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token);
        PublishResult published = await client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, cancellationToken: cts.Token);
        Assert.True(published.IsSuccess);

        ToolResult result = await sub.WaitAsync(ClientHarness.Step);
        Assert.False(result.TimedOut, result.ToString());
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(payload, result.Stdout);
        await client.DisconnectAsync(cts.Token);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task MosquittoPub_OurSubscription_ReceivesByteExact(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        string topic = ClientHarness.Topic("interop-in");
        byte[] payload = BinaryPayload(20_000);

        await using CloudSignalClient client = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token);
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);

        // -s: the whole of stdin is one message, binary-safe.
        ToolResult result = await MosquittoFixture.RunMosquittoPub([.. broker.TcpArgs, "-t", topic, "-q", "1", "-s"], ClientHarness.Step, payload);
        Assert.False(result.TimedOut, result.ToString());
        Assert.Equal(0, result.ExitCode);

        MqttMessage received = await client.ReceiveAsync();
        Assert.Equal(topic, received.Topic);
        Assert.Equal(MqttQos.AtLeastOnce, received.Qos);
        Assert.Equal(payload, received.Payload.ToArray());
        await client.DisconnectAsync(cts.Token);
    }

    /// <summary>Every byte value in turn, then random bytes, ending in a newline (0x0A) that must survive.</summary>
    private static byte[] BinaryPayload(int length)
    {
        byte[] payload = ClientHarness.Payload(length);
        for (int i = 0; i < 256; i++)
        {
            payload[i] = (byte)i;
        }

        payload[^1] = 0x0A;
        return payload;
    }
}
