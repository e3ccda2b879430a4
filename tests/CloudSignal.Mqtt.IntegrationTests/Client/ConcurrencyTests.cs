using System.Buffers.Binary;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// Many operations in flight at once through the one write loop: concurrent publishes from
/// several threads at every QoS complete, arrive once each, and keep per-publisher order.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class ConcurrencyTests(MosquittoFixture broker)
{
    private const int Publishers = 4;
    private const int PerPublisher = 300;

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [InlineData(MqttProtocolVersion.V311, MqttQos.AtLeastOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQos.ExactlyOnce)]
    [InlineData(MqttProtocolVersion.V500, MqttQos.AtMostOnce)]
    public async Task ConcurrentPublishers_AllCompleteAndArriveInPublisherOrder(MqttProtocolVersion version, MqttQos qos)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step * 3);
        string topic = ClientHarness.Topic("concurrent");
        await using CloudSignalClient subscriber = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token);
        await subscriber.SubscribeAsync(topic, MqttQos.ExactlyOnce, cts.Token);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token);

        // Each payload is (publisher, sequence); all publishes of one publisher are started in order
        // without awaiting, so the client must keep their order [MQTT-4.6.0-6] while others interleave.
        Task<PublishResult>[][] publishes = await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(() =>
            Enumerable.Range(0, PerPublisher)
                .Select(i => publisher.PublishAsync(topic, Payload(p, i), qos, cancellationToken: cts.Token))
                .ToArray())));
        PublishResult[] results = await Task.WhenAll(publishes.SelectMany(p => p));
        Assert.All(results, r => Assert.True(r.IsSuccess, r.ReasonCode.ToString()));

        int[] next = new int[Publishers];
        for (int received = 0; received < Publishers * PerPublisher; received++)
        {
            MqttMessage message = await subscriber.ReceiveAsync(what: $"message {received}");
            int p = BinaryPrimitives.ReadInt32BigEndian(message.Payload.Span);
            int i = BinaryPrimitives.ReadInt32BigEndian(message.Payload.Span[4..]);
            Assert.Equal(next[p], i);
            next[p]++;
        }

        Assert.All(next, n => Assert.Equal(PerPublisher, n));
        await ClientHarness.AssertNoMessageAsync(subscriber.Messages, TimeSpan.FromMilliseconds(200));
    }

    private static byte[] Payload(int publisher, int sequence)
    {
        byte[] payload = new byte[64];
        BinaryPrimitives.WriteInt32BigEndian(payload, publisher);
        BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(4), sequence);
        return payload;
    }
}
