using System.Text.RegularExpressions;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// <see cref="CloudSignalClient.Messages"/> back-pressure (a small MessageBufferCapacity and an
/// application that is behind): nothing the client has acknowledged is lost, even when the
/// connection drops or is closed while messages wait for room in the buffer.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class BackPressureTests(MosquittoFixture broker)
{
    private const int Count = 20;

    /// <summary>MessageBufferCapacity (2) plus at least one acknowledged message waiting for room.</summary>
    private const int Acknowledged = 3;

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ApplicationBehind_ConnectionEnds_AcknowledgedMessagesStillDelivered(bool abort)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step * 2);
        string topic = ClientHarness.Topic("backpressure");
        string clientId = ClientHarness.ClientId("backpressure");
        await using var client = new CloudSignalClient(new CloudSignalOptions
        {
            MessageBufferCapacity = 2,
            ReconnectPeriod = abort ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            CleanSession = false,
            SessionExpiryInterval = TimeSpan.FromMinutes(1),
        });
        _ = client.Messages;
        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl, ClientId = clientId }, cts.Token);
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);

        long logOffset = broker.Broker.LogLength;
        await using (CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), cts.Token))
        {
            for (int i = 0; i < Count; i++)
            {
                await publisher.PublishAsync(topic, new[] { (byte)i }, MqttQos.AtLeastOnce, cancellationToken: cts.Token);
            }
        }

        // Back-pressure: Messages holds 2 and the client reads no further from the socket; but what
        // it had already read was acknowledged at once. Wait until more were acknowledged than fit
        // in Messages (each PUBACK is logged by the broker): those wait inside the client.
        string[] pubacks = [.. Enumerable.Repeat($"Received PUBACK from {clientId}", Acknowledged)];
        await broker.Broker.WaitForLogAsync(logOffset, ClientHarness.Step, pubacks);

        if (abort)
        {
            await client.AbortConnectionAsync();
        }
        else
        {
            await client.DisconnectAsync(cts.Token);
        }

        // Acknowledged means the broker never sends them again: the client must hand them all
        // over. After an abort, the auto-reconnect resumes the session and the broker sends the
        // rest; after DisconnectAsync, the unacknowledged rest stays queued on the broker.
        int acknowledged = Regex.Count(broker.Broker.ReadLog(logOffset), Regex.Escape($"Received PUBACK from {clientId}"));
        int expected = abort ? Count : acknowledged;
        for (int i = 0; i < expected; i++)
        {
            MqttMessage message = await client.ReceiveAsync(what: $"message {i} of {expected} ({acknowledged} acknowledged before the close)");
            Assert.Equal(i, message.Payload.Span[0]);
        }

        await client.DisconnectAsync(cts.Token);
        await using CloudSignalClient cleaner = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), cts.Token, clientId);
    }
}
