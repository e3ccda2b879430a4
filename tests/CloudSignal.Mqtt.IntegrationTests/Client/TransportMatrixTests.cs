using System.Diagnostics;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// Issue 4 matrix: every transport (TCP, TLS, WebSocket, WebSocket over TLS) × {3.1.1, 5.0}
/// publishes to itself through mosquitto at QoS 0, 1 and 2 with payloads of 0 B, 1 B, 64 KiB and
/// 1 MiB, and receives each one byte-exact. One connection per case keeps the run short.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class TransportMatrixTests(MosquittoFixture broker, ITestOutputHelper output)
{
    private static readonly int[] Sizes = [0, 1, 64 * 1024, 1024 * 1024];

    private static readonly MqttQos[] QosLevels = [MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.ExactlyOnce];

    public static TheoryData<string, MqttProtocolVersion> Cases()
    {
        var data = new TheoryData<string, MqttProtocolVersion>();
        foreach (string transport in new[] { MosquittoFixture.Tcp, MosquittoFixture.Tls, MosquittoFixture.Ws, MosquittoFixture.Wss })
        {
            data.Add(transport, MqttProtocolVersion.V311);
            data.Add(transport, MqttProtocolVersion.V500);
        }

        return data;
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Cases))]
    public async Task Transport_PublishEveryQosAndSize_ReceivedByteExact(string transport, MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step * 3);
        var stopwatch = Stopwatch.StartNew();
        // mosquitto 2.0.11 paces large WebSocket sends by its idle loop (see BrokerWaker).
        await using BrokerWaker? waker = transport is MosquittoFixture.Ws or MosquittoFixture.Wss
            ? await BrokerWaker.StartAsync(broker, cts.Token)
            : null;
        await using CloudSignalClient client = await ClientHarness.ConnectAsync(
            ClientHarness.Url(broker, transport), ClientHarness.Options(broker, version), cts.Token);
        Assert.True(client.IsConnected);

        string topic = ClientHarness.Topic($"matrix/{transport}/{version}");
        SubscribeResult subscribed = await client.SubscribeAsync(topic, MqttQos.ExactlyOnce, cts.Token);
        Assert.Equal(MqttQos.ExactlyOnce, subscribed.GrantedQos);

        foreach (MqttQos qos in QosLevels)
        {
            foreach (int size in Sizes)
            {
                byte[] payload = ClientHarness.Payload(size);
                PublishResult published = await client.PublishAsync(topic, payload, qos, retain: false, cancellationToken: cts.Token);
                Assert.True(published.IsSuccess, $"QoS {qos}, {size} B: {published.ReasonCode} {published.ReasonString}");

                MqttMessage received = await client.ReceiveAsync(what: $"QoS {qos}, {size} B");
                Assert.Equal(topic, received.Topic);
                // The subscription grants QoS 2, so delivery keeps the publication's QoS [MQTT-3.8.4-8].
                Assert.Equal(qos, received.Qos);
                Assert.False(received.Retain);
                Assert.True(payload.AsSpan().SequenceEqual(received.Payload.Span), $"QoS {qos}, {size} B: payload differs ({received.Payload.Length} B received)");
            }
        }

        await client.DisconnectAsync(cts.Token);
        Assert.False(client.IsConnected);
        output.WriteLine($"{transport} {version}: {stopwatch.ElapsedMilliseconds} ms for {QosLevels.Length * Sizes.Length} round trips");
    }
}
