using System.Buffers.Binary;
using System.Diagnostics;
using CloudSignal.Mqtt.IntegrationTests.Faults;
using CloudSignal.Mqtt.Protocol;
using Xunit.Abstractions;

namespace CloudSignal.Mqtt.IntegrationTests.Reliability;

/// <summary>
/// A publisher whose connection the broker cuts 1,000 times, at varied points of its QoS 1 and
/// QoS 2 flows, while it publishes 10,000 messages at each QoS; a subscriber on the same broker
/// (never cut) is the receiver. Every publish must complete, QoS 1 arrive at least once and QoS 2
/// exactly once, each in publish order.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public class ForcedDisconnectTests(ITestOutputHelper output)
{
    private const int PerQos = 10_000;
    private const int Drops = 1_000;
    private const int Window = 100;

    // Deterministic drop points: a gap of 10..70 flow packets (mean 40) between cuts, so 1,000
    // cuts fall well inside the ~60,000 flow packets of the stream.
    private const int Seed = 20_240_611;
    private const int MinGap = 10;
    private const int MaxGap = 70;

    [Theory(Timeout = 120_000)]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task ThousandForcedDisconnects_EveryPublishCompletes_Qos1AtLeastOnce_Qos2ExactlyOnce_InOrder(MqttProtocolVersion version)
    {
        var clock = Stopwatch.StartNew();
        await using var broker = new ScriptedBroker();
        string publisherId = FaultHarness.ClientId("forced");
        string root = $"forced/{Guid.NewGuid():N}";
        string q1Topic = $"{root}/q1", q2Topic = $"{root}/q2", endTopic = $"{root}/end";

        var random = new Random(Seed);
        int sinceCut = 0, gap = random.Next(MinGap, MaxGap + 1), cuts = 0;
        var cutPoints = new Dictionary<string, int>();
        broker.Script.DropAt(p =>
        {
            // Runs under the broker's lock, one packet at a time: the state above needs no lock.
            if (p.ClientId != publisherId || cuts == Drops || p.Type is not (PacketType.Publish or PacketType.PubAck or PacketType.PubRec or PacketType.PubRel or PacketType.PubComp))
            {
                return false;
            }

            if (++sinceCut < gap)
            {
                return false;
            }

            sinceCut = 0;
            gap = random.Next(MinGap, MaxGap + 1);
            cuts++;
            string point = $"{p.Direction} {p.Type}{(p.Type == PacketType.Publish ? $" QoS {(int)p.Qos}" : "")}";
            cutPoints[point] = cutPoints.GetValueOrDefault(point) + 1;
            return true;
        });

        // The receiver: a subscriber the broker never cuts.
        var q1 = new List<int>(PerQos * 2);
        var q2 = new List<int>(PerQos);
        bool ended = false;
        await using var subscriber = new CloudSignalClient(FaultHarness.Options(version));
        subscriber.SetMessageCallback(m =>
        {
            lock (q2)
            {
                if (m.Topic == endTopic)
                {
                    ended = true;
                }
                else
                {
                    (m.Topic == q1Topic ? q1 : q2).Add(BinaryPrimitives.ReadInt32BigEndian(m.Payload.Span));
                }
            }
        });
        await subscriber.ConnectAsync(new ConnectParameters { Host = broker.Url });
        Assert.Equal(MqttQos.ExactlyOnce, (await subscriber.SubscribeAsync($"{root}/#", MqttQos.ExactlyOnce)).GrantedQos);

        // The publisher: persistent session, reconnecting 5 ms after each loss (no jitter).
        await using var publisher = new CloudSignalClient(FaultHarness.Options(version, TimeSpan.FromMilliseconds(5), cleanSession: false));
        int online = 0, offline = 0, lost = 0, otherErrors = 0;
        publisher.SetOnlineCallback(() => Interlocked.Increment(ref online));
        publisher.SetOfflineCallback(() => Interlocked.Increment(ref offline));
        publisher.SetErrorCallback(e => Interlocked.Increment(ref e is MqttConnectionLostException ? ref lost : ref otherErrors));
        await publisher.ConnectAsync(new ConnectParameters { Host = broker.Url, ClientId = publisherId });

        // QoS 1 and QoS 2 interleaved, at most `Window` outstanding; the payload is the sequence number.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var window = new SemaphoreSlim(Window);
        var publishes = new List<Task<PublishResult>>(2 * PerQos);
        for (int i = 0; i < PerQos; i++)
        {
            foreach ((string topic, MqttQos qos) in new[] { (q1Topic, MqttQos.AtLeastOnce), (q2Topic, MqttQos.ExactlyOnce) })
            {
                await window.WaitAsync(deadline.Token);
                byte[] payload = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(payload, i);
                Task<PublishResult> publish = publisher.PublishAsync(topic, payload, qos, cancellationToken: deadline.Token);
                _ = publish.ContinueWith(_ => window.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                publishes.Add(publish);
            }
        }

        PublishResult[] results = await Task.WhenAll(publishes);
        TimeSpan published = clock.Elapsed;

        // A last message through the same route: once it arrives, everything routed before it has.
        Assert.True((await publisher.PublishAsync(endTopic, new byte[4], MqttQos.AtLeastOnce, cancellationToken: deadline.Token)).IsSuccess);
        await FaultHarness.WaitUntilAsync(() => { lock (q2) { return ended; } }, "the end marker at the subscriber");

        int[] expected = [.. Enumerable.Range(0, PerQos)];
        List<int> q1Received, q2Received;
        lock (q2)
        {
            q1Received = [.. q1];
            q2Received = [.. q2];
        }

        List<int> q1FirstSeen = [.. q1Received.Distinct()];
        IReadOnlyList<BrokerMessage> routed = broker.Messages;
        output.WriteLine($"{version}: published in {published.TotalSeconds:F1} s, total {clock.Elapsed.TotalSeconds:F1} s; " +
            $"{broker.DropCount} cuts, {broker.ConnectionCount} connections, publisher online {online} / offline {offline} / lost {lost}; " +
            $"QoS 1 received {q1Received.Count} ({q1Received.Count - PerQos} duplicates); cut points: " +
            string.Join(", ", cutPoints.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}")));

        // Every PublishAsync completed, successfully.
        Assert.Equal(2 * PerQos, results.Length);
        Assert.All(results, r => Assert.True(r.IsSuccess, $"publish failed: {r.ReasonCode}"));

        // 1,000 cuts, each seen by the publisher as one lost connection (offline, and the error
        // callback with MqttConnectionLostException) and followed by one reconnect.
        Assert.Equal(Drops, broker.DropCount);
        Assert.Equal(Drops, offline);
        Assert.Equal(Drops, lost);
        Assert.Equal(0, otherErrors);
        Assert.Equal(Drops + 1, online);

        // At varied points: each of the six packets of the two flows was a cut point many times.
        Assert.Equal(6, cutPoints.Count);
        Assert.All(cutPoints, p => Assert.True(p.Value >= 20, $"only {p.Value} cuts at {p.Key}"));

        // QoS 2: exactly once, in order, at the broker [MQTT-4.3.3-2]/[MQTT-4.3.3-9] and at the receiver.
        Assert.Equal(expected, routed.Where(m => m.Topic == q2Topic).Select(m => BinaryPrimitives.ReadInt32BigEndian(m.Payload)));
        Assert.Equal(expected, q2Received);

        // QoS 1: at least once; resends come in the original order before anything new
        // [MQTT-4.6.0-1], so the first sighting of each message is in publish order [MQTT-4.6.0-6].
        Assert.True(q1Received.Count >= PerQos);
        Assert.Equal(expected, q1FirstSeen);
    }
}
