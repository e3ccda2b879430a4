using System.Diagnostics;
using CloudSignal.Mqtt.IntegrationTests.Faults;
using CloudSignal.Mqtt.Protocol;
using Xunit.Abstractions;

namespace CloudSignal.Mqtt.IntegrationTests.Reliability;

/// <summary>
/// A broker that stops answering PINGREQ (a half-open connection: the socket stays up, nothing
/// comes back). The client must notice from keep alive alone and reconnect.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public class SilentBrokerTests(ITestOutputHelper output)
{
    /// <summary>
    /// 6 s, not 2: the bound below has to absorb timers that fire late on the loaded 2-core CI
    /// machine (seen: a PINGREQ 0.43 s late, and a PINGRESP timeout 0.93 s late), and a longer
    /// period keeps that slack apart from the wrong answers (a PINGRESP wait of a whole period would
    /// be detected at 12 s, none at all never).
    /// </summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(6);

    /// <summary>Scheduling slack on top of the 1.5 periods (timer and thread-pool latency).</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(1500);

    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Versions))]
    public async Task NoPingResp_DeadConnectionDetectedWithinOneAndAHalfKeepAlives_ThenReconnects(MqttProtocolVersion version)
    {
        await using var broker = new ScriptedBroker();
        broker.Script.IgnorePingReq(firstConnections: 1);

        // Default PingResponseTimeout (null): half the keep alive period.
        await using var client = new CloudSignalClient(FaultHarness.Options(version, TimeSpan.FromMilliseconds(50), keepAlive: KeepAlive));
        var events = new ClientEvents(client);
        await client.ConnectAsync(new ConnectParameters { Host = broker.Url });
        await events.ExpectAsync("online");

        // [MQTT-3.1.2-23]: idle for the keep alive period, the client sends PINGREQ; §3.1.2.10:
        // with no PINGRESP within a reasonable time it closes the connection.
        long offline = await events.ExpectAsync("offline", KeepAlive * 4);
        BrokerConnection first = broker.Connection(1);
        RecordedPacket ping = Assert.Single(first.Received(PacketType.PingReq));
        Assert.Empty(first.Sent(PacketType.PingResp));
        // The broker fell silent after its CONNACK, the last packet either side sent before the PINGREQ.
        RecordedPacket connAck = Assert.Single(first.Sent(PacketType.ConnAck));
        TimeSpan detection = Stopwatch.GetElapsedTime(connAck.Timestamp, offline);
        output.WriteLine($"{version}: offline {detection.TotalSeconds:F3} s after the broker's last packet, {Stopwatch.GetElapsedTime(ping.Timestamp, offline).TotalSeconds:F3} s after the unanswered PINGREQ (keep alive {KeepAlive.TotalSeconds} s)");
        Assert.True(detection <= (KeepAlive * 1.5) + Slack, $"the dead connection was detected {detection.TotalSeconds:F2} s after the broker fell silent");
        Assert.True(detection >= KeepAlive * 1.25, $"closed {detection.TotalSeconds:F2} s after the broker fell silent: not the ping timeout");

        // The application is told why: the keep alive timeout (0x8D).
        await events.ExpectAsync("error MqttConnectionLostException 0x8D");

        // Then it reconnects on its own: a second connection, online again.
        await events.ExpectAsync("reconnecting 1");
        await events.ExpectAsync("online");
        await broker.WaitForConnectionAsync(2, FaultHarness.Step);
        Assert.Equal(2, broker.ConnectionCount);
        Assert.True(client.IsConnected);
        await first.Closed.WaitAsync(FaultHarness.Step);
        Assert.Empty(events.Drain());
    }
}
