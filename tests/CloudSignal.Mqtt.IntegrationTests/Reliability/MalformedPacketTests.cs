using System.Buffers;
using CloudSignal.Mqtt.IntegrationTests.Faults;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Reliability;

/// <summary>
/// A malformed packet from the broker after CONNACK: the client closes (telling a 5.0 broker why),
/// the process survives, the client reconnects and works.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public class MalformedPacketTests
{
    /// <summary>PUBACK with fixed header flags 0001: reserved bits must be 0000 [MQTT-2.2.2-2] (both levels).</summary>
    private static readonly byte[] Malformed = [0x41, 0x02, 0x00, 0x01];

    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Versions))]
    public async Task MalformedPacketAfterConnAck_ClientDisconnectsReconnectsAndWorks(MqttProtocolVersion version)
    {
        // The bytes are malformed to our own decoder at this level, with 0x81.
        var bytes = new ReadOnlySequence<byte>(Malformed);
        Assert.Equal(MqttReasonCode.MalformedPacket, Assert.Throws<MqttProtocolException>(() => PacketDecoder.TryDecode(ref bytes, version, 1024, out _)).ReasonCode);

        await using var broker = new ScriptedBroker();
        broker.Script.SendMalformed(Malformed, firstConnections: 1);
        await using var client = new CloudSignalClient(FaultHarness.Options(version, TimeSpan.FromMilliseconds(50)));
        var messages = client.Messages;
        var events = new ClientEvents(client);
        await client.ConnectAsync(new ConnectParameters { Host = broker.Url });

        await events.ExpectAsync("online");
        await events.ExpectAsync("offline");

        // The application is told why: the broker broke the protocol, closed with 0x81.
        await events.ExpectAsync("error MqttProtocolException 0x81");
        BrokerConnection first = broker.Connection(1);
        await first.Closed.WaitAsync(FaultHarness.Step);
        Assert.Equal(PacketDirection.ToClient, Assert.Single(first.Packets, p => p.Malformed).Direction);
        if (version == MqttProtocolVersion.V500)
        {
            // 5.0 §4.13: DISCONNECT with 0x81 Malformed Packet, then close; it is the client's last packet.
            Assert.Equal(MqttReasonCode.MalformedPacket, first.DisconnectReasonCode);
            Assert.Equal(PacketType.Disconnect, first.Packets.Last(p => p.Direction == PacketDirection.FromClient).Type);
        }
        else
        {
            // [MQTT-4.8.0-1] (3.1.1): close the connection; 3.1.1 DISCONNECT is client-initiated
            // shutdown only and carries no reason, so none is sent.
            Assert.Null(first.DisconnectReasonCode);
        }

        // Reconnected on its own, and working: a QoS 1 round trip on the second connection.
        await events.ExpectAsync("reconnecting 1");
        await events.ExpectAsync("online");
        BrokerConnection second = await broker.WaitForConnectionAsync(2, FaultHarness.Step);
        Assert.Equal(2, broker.ConnectionCount);
        Assert.DoesNotContain(second.Packets, p => p.Malformed);
        await client.SubscribeAsync("after/#", MqttQos.AtLeastOnce);
        Assert.True((await client.PublishAsync("after/malformed", "ok"u8.ToArray(), MqttQos.AtLeastOnce)).IsSuccess);
        using var cts = new CancellationTokenSource(FaultHarness.Step);
        Assert.Equal("after/malformed", (await messages.ReadAsync(cts.Token)).Topic);
        Assert.Empty(events.Drain());
    }
}
