using System.Buffers.Binary;
using System.Text.RegularExpressions;
using CloudSignal.Mqtt.IntegrationTests.Client;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CloudSignal.Mqtt.IntegrationTests.Reliability;

/// <summary>
/// Reliability test 6 of issue 5: the application stops reading <see cref="CloudSignalClient.Messages"/>
/// while a publisher keeps going. The client stops reading the socket once its buffer is full, so
/// what it holds stays bounded (the rest waits in the broker's queue and the kernel's socket
/// buffers), and when the application resumes every message arrives, in order, none dropped.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class SlowConsumerTests(MosquittoFixture broker, ITestOutputHelper output)
{
    private const int Count = 20_000;
    private const int PayloadSize = 1024;
    private const int Capacity = 100;

    /// <summary>Messages one socket read can add beyond the buffer: a read fetches a few KiB of 1 KiB messages.</summary>
    private const int ReadSlack = 32;

    [Theory(Timeout = 120_000)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task ApplicationStopsReading_ClientStopsReadingSocket_NothingDroppedOnResume(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        string topic = ClientHarness.Topic("slow");
        string clientId = ClientHarness.ClientId("slow");
        await using var consumer = new CloudSignalClient(new CloudSignalOptions
        {
            ProtocolVersion = version,
            MessageBufferCapacity = Capacity,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectPeriod = TimeSpan.Zero,
        });
        _ = consumer.Messages; // read once: from now on a full buffer is back-pressure, not drop-oldest
        await consumer.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl, ClientId = clientId }, cts.Token);
        await consumer.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);
        long logOffset = broker.Broker.LogLength;
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        await PublishAllAsync(topic, version, cts.Token);

        // Stalled: the consumer acknowledged (= read off the socket) only what fits in Messages plus
        // one read's worth, although 20 MiB were waiting for it.
        await Task.Delay(500, cts.Token);
        long heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        int acknowledgedWhileStalled = Regex.Count(broker.Broker.ReadLog(logOffset), Regex.Escape($"Received PUBACK from {clientId}"));
        output.WriteLine($"{version}: {Count} × {PayloadSize} B published; consumer acknowledged {acknowledgedWhileStalled} while stalled; heap growth {heapGrowth / 1024} KiB");
        Assert.InRange(acknowledgedWhileStalled, Capacity, Capacity + ReadSlack);
        Assert.True(heapGrowth < 8 * 1024 * 1024, $"heap grew by {heapGrowth / 1024} KiB while {Count * PayloadSize / 1024} KiB waited");

        // Resumed: everything, in order, nothing dropped.
        for (int i = 0; i < Count; i++)
        {
            MqttMessage message = await consumer.Messages.ReadAsync(cts.Token);
            Assert.Equal(i, BinaryPrimitives.ReadInt32BigEndian(message.Payload.Span));
            Assert.Equal(PayloadSize, message.Payload.Length);
        }

        await ClientHarness.AssertNoMessageAsync(consumer.Messages, TimeSpan.FromMilliseconds(200));
        Assert.True(consumer.IsConnected);
    }

    /// <summary>Publishes everything through a second client; its state is garbage once this returns (the heap check).</summary>
    private async Task PublishAllAsync(string topic, MqttProtocolVersion version, CancellationToken cancellationToken)
    {
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker, version), cancellationToken);
        using var window = new SemaphoreSlim(200);
        int succeeded = 0;
        var publishes = new List<Task>(Count);
        for (int i = 0; i < Count; i++)
        {
            await window.WaitAsync(cancellationToken);
            Task<PublishResult> publish = publisher.PublishAsync(topic, Payload(i), MqttQos.AtLeastOnce, cancellationToken: cancellationToken);
            publishes.Add(publish.ContinueWith(
                p =>
                {
                    window.Release();
                    if (p.IsCompletedSuccessfully && p.Result.IsSuccess)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                },
                TaskScheduler.Default));
        }

        // The broker took all of them (PUBACK to the publisher does not wait for the consumer).
        await Task.WhenAll(publishes);
        Assert.Equal(Count, succeeded);
    }

    private static byte[] Payload(int sequence)
    {
        byte[] payload = new byte[PayloadSize];
        BinaryPrimitives.WriteInt32BigEndian(payload, sequence);
        return payload;
    }
}
