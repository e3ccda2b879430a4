using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CloudSignal.Mqtt.IntegrationTests.Client;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CloudSignal.Mqtt.IntegrationTests.Reliability;

/// <summary>
/// Reliability test 3 of issue 5: a publisher with a <see cref="FileSessionStore"/> publishes 1,000
/// QoS 1 messages and is disposed without waiting for the acknowledgements, as an application
/// shutting down would be. A new client with the same ClientId, CleanSession false, on a new store
/// over the same file, resends what was not acknowledged — the flows the broker had seen with DUP
/// [MQTT-3.3.1-1] [MQTT-4.4.0-1] — and every one of the 1,000 messages arrives.
/// </summary>
[Collection(MosquittoCollection.Name)]
public sealed class ProcessRestartTests(MosquittoFixture broker, ITestOutputHelper output) : IDisposable
{
    private const int Messages = 1_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("cloudsignal-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory(Timeout = 60_000)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task DisposedWithoutWaitingForAcks_NewClientOnSameStore_All1000Arrive(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        string topic = ClientHarness.Topic("restart");
        string clientId = ClientHarness.ClientId("restart");
        string path = Path.Combine(_directory, $"{version}.log");

        var received = new ConcurrentDictionary<int, int>();
        await using CloudSignalClient subscriber = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cts.Token);
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);
        subscriber.SetMessageCallback(m => received.AddOrUpdate(BinaryPrimitives.ReadInt32BigEndian(m.Payload.Span), 1, (_, n) => n + 1));

        // First "process": fire 1,000 publishes and shut down at once.
        var publishes = new List<Task<PublishResult>>(Messages);
        int unacknowledged;
        using (var store = new FileSessionStore(path))
        {
            await using CloudSignalClient first = await ConnectAsync(version, clientId, store, cts.Token);
            for (int i = 0; i < Messages; i++)
            {
                publishes.Add(first.PublishAsync(topic, Payload(i), MqttQos.AtLeastOnce, cancellationToken: cts.Token));
            }

            await first.DisposeAsync();
            await Task.WhenAll(publishes).ContinueWith(_ => { }, TaskScheduler.Default);
            unacknowledged = publishes.Count(p => !p.IsCompletedSuccessfully);
        }

        // What the first client could not finish is exactly what the file holds.
        using var reopened = new FileSessionStore(path);
        StoredSession left = reopened.Load();
        int sentBefore = left.Publishes.Count(p => p.PacketIdentifier != 0);
        output.WriteLine($"{version}: {Messages - unacknowledged} acknowledged before dispose, {unacknowledged} left in the store ({sentBefore} of them sent once)");
        Assert.True(unacknowledged > 0, "every publish was acknowledged before the dispose: nothing to resend, the test proves nothing");
        Assert.Equal(unacknowledged, left.Publishes.Count);

        // Second "process": same ClientId, same file.
        long logOffset = broker.Broker.LogLength;
        await using CloudSignalClient second = await ConnectAsync(version, clientId, reopened, cts.Token);
        while (received.Count < Messages && !cts.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        Assert.Equal(Enumerable.Range(0, Messages), received.Keys.Order());
        int resentWithDup = Regex.Count(broker.Broker.ReadLog(logOffset), Regex.Escape($"Received PUBLISH from {clientId} (d1, q1"));
        Assert.Equal(sentBefore, resentWithDup);

        // And the store empties as the broker acknowledges the resends.
        while (reopened.Load().Publishes.Count > 0 && !cts.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        Assert.Empty(reopened.Load().Publishes);
        await second.DisconnectAsync(cts.Token);
    }

    private async Task<CloudSignalClient> ConnectAsync(MqttProtocolVersion version, string clientId, IMqttSessionStore store, CancellationToken cancellationToken)
    {
        var client = new CloudSignalClient(new CloudSignalOptions
        {
            ProtocolVersion = version,
            CleanSession = false,
            SessionExpiryInterval = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectPeriod = TimeSpan.Zero,
            SessionStore = store,
            Tls = ClientHarness.TrustFixtureCa(broker),
        });
        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl, ClientId = clientId }, cancellationToken);
        return client;
    }

    private static byte[] Payload(int sequence)
    {
        byte[] payload = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(payload, sequence);
        return payload;
    }
}
