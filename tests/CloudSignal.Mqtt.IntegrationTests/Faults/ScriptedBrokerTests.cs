using System.Diagnostics;
using CloudSignal.Mqtt.IntegrationTests.Reliability;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// Each fault of the <see cref="ScriptedBroker"/>, exercised through the real
/// <see cref="CloudSignalClient"/>: the fault happens on the wire (the broker's record shows it)
/// and the client reacts as the spec asks.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public class ScriptedBrokerTests
{
    private const int TestTimeoutMs = 30_000;

    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory(Timeout = TestTimeoutMs)]
    [InlineData(MqttProtocolVersion.V500, 0x89, false)] // Server busy
    [InlineData(MqttProtocolVersion.V500, 0x86, true)]  // Bad User Name or Password
    [InlineData(MqttProtocolVersion.V311, 3, false)]    // Server unavailable
    [InlineData(MqttProtocolVersion.V311, 5, true)]     // Not authorized
    public async Task RefusedConnAck_ConnectAsyncThrowsWithThatCodeAndBrokerCloses(MqttProtocolVersion version, byte code, bool authentication)
    {
        await using var broker = new ScriptedBroker();
        if (version == MqttProtocolVersion.V311)
        {
            broker.Script.RefuseConnect((ConnectReturnCode)code);
        }
        else
        {
            broker.Script.RefuseConnect((MqttReasonCode)code);
        }

        await using var client = new CloudSignalClient(FaultHarness.Options(version));
        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync(new ConnectParameters { Host = broker.Url }));

        // The 3.1.1 return code or the 5.0 reason code, as sent (API.md: MqttConnectException.ReasonCode).
        Assert.Equal((MqttReasonCode)code, ex.ReasonCode);
        Assert.Equal(authentication, ex.IsAuthenticationFailure);
        Assert.False(client.IsConnected);

        BrokerConnection c = broker.Connection(1);
        await c.Closed.WaitAsync(FaultHarness.Step); // [MQTT-3.2.2-5] (3.1.1): a refusal closes the connection
        RecordedPacket connAck = Assert.Single(c.Sent(PacketType.ConnAck));
        Assert.Equal((MqttReasonCode)code, connAck.ReasonCode);
        Assert.False(connAck.SessionPresent);
        Assert.Equal(1, broker.ConnectionCount);
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task RefusedOnlyOnFirstConnection_SecondConnectSucceeds()
    {
        await using var broker = new ScriptedBroker();
        broker.Script.RefuseConnect(MqttReasonCode.ServerUnavailable, firstConnections: 1);
        await using var client = new CloudSignalClient(FaultHarness.Options(MqttProtocolVersion.V500));
        var parameters = new ConnectParameters { Host = broker.Url };

        var ex = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync(parameters));
        Assert.Equal(MqttReasonCode.ServerUnavailable, ex.ReasonCode);
        await client.ConnectAsync(parameters);

        Assert.True(client.IsConnected);
        Assert.Equal(2, broker.ConnectionCount);
        Assert.Equal(MqttReasonCode.Success, Assert.Single(broker.Connection(2).Sent(PacketType.ConnAck)).ReasonCode);
    }

    [Theory(Timeout = TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task OneBytePerSend_ClientConnectsAndRoundTripsQos1AndQos2(MqttProtocolVersion version)
    {
        await using var broker = new ScriptedBroker();
        broker.Script.OneBytePerSend();
        await using var client = new CloudSignalClient(FaultHarness.Options(version));
        var messages = client.Messages;
        await client.ConnectAsync(new ConnectParameters { Host = broker.Url });

        Assert.Equal(MqttReasonCode.GrantedQoS2, Assert.Single((await client.SubscribeAsync("bytes/#", MqttQos.ExactlyOnce)).ReasonCodes));
        Assert.True((await client.PublishAsync("bytes/1", "one"u8.ToArray(), MqttQos.AtLeastOnce)).IsSuccess);
        Assert.True((await client.PublishAsync("bytes/2", "two"u8.ToArray(), MqttQos.ExactlyOnce)).IsSuccess);

        using var cts = new CancellationTokenSource(FaultHarness.Step);
        MqttMessage first = await messages.ReadAsync(cts.Token);
        MqttMessage second = await messages.ReadAsync(cts.Token);
        Assert.Equal(("bytes/1", "one", MqttQos.AtLeastOnce), (first.Topic, System.Text.Encoding.UTF8.GetString(first.Payload.Span), first.Qos));
        Assert.Equal(("bytes/2", "two", MqttQos.ExactlyOnce), (second.Topic, System.Text.Encoding.UTF8.GetString(second.Payload.Span), second.Qos));

        // Every byte the client read came in its own TCP send: CONNACK, SUBACK, PUBACK, PUBREC,
        // PUBCOMP, two PUBLISHes and the PUBREL of the delivery are well over 30 bytes.
        BrokerConnection c = broker.Connection(1);
        Assert.True(c.BytesSent > 30, $"only {c.BytesSent} bytes sent");
        Assert.Equal(c.BytesSent, c.SendCalls);
    }

    [Theory(Timeout = TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task DuplicateQos2PublishWithDup_DeliveredOnceAndAcknowledgedTwice(MqttProtocolVersion version)
    {
        await using var broker = new ScriptedBroker();
        await using var client = new CloudSignalClient(FaultHarness.Options(version));
        var messages = client.Messages;
        await client.ConnectAsync(new ConnectParameters { Host = broker.Url });

        // The same QoS 2 message twice before PUBREL, the second with DUP, as a broker resends it.
        Assert.True(broker.SendPublish(1, "dup/q2", "once"u8.ToArray(), MqttQos.ExactlyOnce, dup: false, packetId: 7));
        Assert.True(broker.SendPublish(1, "dup/q2", "once"u8.ToArray(), MqttQos.ExactlyOnce, dup: true, packetId: 7));
        BrokerConnection c = broker.Connection(1);
        await FaultHarness.WaitUntilAsync(() => c.Received(PacketType.PubRec).Count == 2 && c.Received(PacketType.PubComp).Count >= 1, "two PUBRECs and a PUBCOMP");

        // A sentinel after both: whatever the duplicate delivered would be read before it.
        Assert.True(broker.SendPublish(1, "dup/sentinel", "end"u8.ToArray(), MqttQos.AtLeastOnce, packetId: 8));
        using var cts = new CancellationTokenSource(FaultHarness.Step);
        MqttMessage first = await messages.ReadAsync(cts.Token);
        MqttMessage second = await messages.ReadAsync(cts.Token);

        // [MQTT-4.3.3-2] (3.1.1) / [MQTT-4.3.3-9] (5.0): the duplicate is acknowledged with PUBREC
        // (both carry identifier 7) but not delivered again.
        Assert.Equal("dup/q2", first.Topic);
        Assert.Equal("dup/sentinel", second.Topic);
        Assert.False(messages.TryRead(out _));
        Assert.All(c.Received(PacketType.PubRec), r => Assert.Equal(7, r.PacketId));
    }

    public static TheoryData<MqttProtocolVersion, string> DropPoints()
    {
        var data = new TheoryData<MqttProtocolVersion, string>();
        foreach (MqttProtocolVersion version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            foreach (string point in new[] { "PUBLISH received", "PUBREC sent", "PUBREL received", "PUBCOMP sent" })
            {
                data.Add(version, point);
            }
        }

        return data;
    }

    [Theory(Timeout = TestTimeoutMs)]
    [MemberData(nameof(DropPoints))]
    public async Task DropAtQos2Packet_ReconnectCompletesPublishExactlyOnce(MqttProtocolVersion version, string point)
    {
        (PacketDirection direction, PacketType type) = point switch
        {
            "PUBLISH received" => (PacketDirection.FromClient, PacketType.Publish),
            "PUBREC sent" => (PacketDirection.ToClient, PacketType.PubRec),
            "PUBREL received" => (PacketDirection.FromClient, PacketType.PubRel),
            _ => (PacketDirection.ToClient, PacketType.PubComp),
        };
        await using var broker = new ScriptedBroker();
        broker.Script.DropAt(p => p.Connection == 1 && p.Direction == direction && p.Type == type);
        await using var client = new CloudSignalClient(FaultHarness.Options(version, TimeSpan.FromMilliseconds(20), cleanSession: false));
        await client.ConnectAsync(new ConnectParameters { Host = broker.Url, ClientId = FaultHarness.ClientId("drop") });

        PublishResult result = await client.PublishAsync("drop/q2", "exactly once"u8.ToArray(), MqttQos.ExactlyOnce).WaitAsync(FaultHarness.Step);

        Assert.True(result.IsSuccess);
        Assert.Equal(1, broker.DropCount);
        Assert.Equal(2, broker.ConnectionCount);
        Assert.Single(broker.Messages, m => m.Topic == "drop/q2");

        BrokerConnection first = broker.Connection(1);
        BrokerConnection second = broker.Connection(2);
        Assert.Single(first.Packets, p => p.Dropped && p.Direction == direction && p.Type == type);
        Assert.True(Assert.Single(second.Sent(PacketType.ConnAck)).SessionPresent);
        ushort id = Assert.Single(first.Received(PacketType.Publish)).PacketId;
        if (type is PacketType.Publish or PacketType.PubRec)
        {
            // No PUBREC reached the client: the PUBLISH again, same identifier, DUP set [MQTT-4.4.0-1].
            RecordedPacket resent = Assert.Single(second.Received(PacketType.Publish));
            Assert.Equal(id, resent.PacketId);
            Assert.True(resent.Dup);
        }
        else
        {
            // Past PUBREC the client owes only the PUBREL, sent again [MQTT-4.4.0-1].
            Assert.Empty(second.Received(PacketType.Publish));
            Assert.Equal(id, Assert.Single(second.Received(PacketType.PubRel)).PacketId);
        }

        Assert.Single(second.Sent(PacketType.PubComp));
    }

    [Fact(Timeout = TestTimeoutMs)]
    public async Task Delay_ConnAckComesLate_ConnectWaitsForItOrTimesOut()
    {
        await using var broker = new ScriptedBroker();
        broker.Script.Delay(TimeSpan.FromMilliseconds(300));

        await using (var patient = new CloudSignalClient(FaultHarness.Options(MqttProtocolVersion.V500)))
        {
            long start = Stopwatch.GetTimestamp();
            await patient.ConnectAsync(new ConnectParameters { Host = broker.Url });
            TimeSpan took = Stopwatch.GetElapsedTime(start);
            Assert.True(took >= TimeSpan.FromMilliseconds(290), $"CONNACK after {took.TotalMilliseconds} ms");
        }

        broker.Script.Delay(TimeSpan.FromSeconds(1));
        await using var hasty = new CloudSignalClient(FaultHarness.Options(MqttProtocolVersion.V500, connectTimeout: TimeSpan.FromMilliseconds(300)));
        await Assert.ThrowsAsync<TimeoutException>(() => hasty.ConnectAsync(new ConnectParameters { Host = broker.Url }));
        Assert.False(hasty.IsConnected);
    }

    [Theory(Timeout = TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task PersistentSession_SessionPresentOnlyWhenKeptAndCleanStartZero(MqttProtocolVersion version)
    {
        await using var broker = new ScriptedBroker();
        string clientId = FaultHarness.ClientId("present");
        await using (var client = new CloudSignalClient(FaultHarness.Options(version, cleanSession: false)))
        {
            var parameters = new ConnectParameters { Host = broker.Url, ClientId = clientId };
            await client.ConnectAsync(parameters);
            await client.DisconnectAsync();
            await client.ConnectAsync(parameters);
            await client.DisconnectAsync();
        }

        await using (var clean = new CloudSignalClient(FaultHarness.Options(version, cleanSession: true)))
        {
            await clean.ConnectAsync(new ConnectParameters { Host = broker.Url, ClientId = clientId });
            await clean.DisconnectAsync();
        }

        // [MQTT-3.2.2-1]..[MQTT-3.2.2-3] (3.1.1) · 5.0 §3.2.2.1.1: new session 0, resumed 1, Clean Start 1 → 0.
        bool[] present = [.. Enumerable.Range(1, 3).Select(n => Assert.Single(broker.Connection(n).Sent(PacketType.ConnAck)).SessionPresent)];
        Assert.Equal([false, true, false], present);
        await broker.Connection(1).Closed.WaitAsync(FaultHarness.Step);
        Assert.Equal(MqttReasonCode.NormalDisconnection, broker.Connection(1).DisconnectReasonCode);
    }
}
