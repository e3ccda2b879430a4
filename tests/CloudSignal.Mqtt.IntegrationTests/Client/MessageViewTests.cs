using System.Buffers;
using System.Text;
using CloudSignal.Mqtt.IntegrationTests.Faults;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// <see cref="CloudSignalClient.SetMessageViewCallback"/> against mosquitto: the borrowed
/// <see cref="MqttMessageView"/> shows each message's exact topic bytes, payload (also when it
/// spans several receive-buffer segments), QoS, RETAIN and 5.0 properties, once and in order;
/// <see cref="MqttMessageView.ToMessage"/> copies survive the buffer's reuse; a view-only client
/// copies nothing into <see cref="CloudSignalClient.Messages"/>; a throwing callback is contained.
/// Each view is copied inside the callback (the only time it is valid) and asserted afterwards.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class MessageViewTests(MosquittoFixture broker)
{
    /// <summary>Bound for a whole burst to arrive (megabytes through a broker on a busy 2-core machine).</summary>
    private static readonly TimeSpan Burst = TimeSpan.FromSeconds(40);

    /// <summary>Real-time window in which nothing more may arrive.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory(Timeout = 90_000)] // [MQTT-4.6.0-6]: per topic and QoS, in publish order; QoS 2 once [MQTT-4.3.3-2]
    [MemberData(nameof(Versions))]
    public async Task ThousandMixedMessages_ViewShowsExactTopicPayloadQosRetain_InOrderPerQos(MqttProtocolVersion version)
    {
        const int Count = 1_000;
        string root = ClientHarness.Topic("view-bulk");
        var log = new ViewLog();
        await using CloudSignalClient subscriber = await ViewClientAsync(version, log);
        Assert.Equal(MqttQos.ExactlyOnce, (await subscriber.SubscribeAsync(root + "/#", MqttQos.ExactlyOnce).WaitAsync(ClientHarness.Step)).GrantedQos);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);

        Sent[] sent = [.. Enumerable.Range(0, Count).Select(i => new Sent(BulkTopic(root, i), BulkPayload(i), (MqttQos)(i % 3)))];
        Task<PublishResult>[] publishes = [.. sent.Select(s => publisher.PublishAsync(s.Topic, s.Payload, s.Qos))];
        Assert.All(await Task.WhenAll(publishes).WaitAsync(Burst), r => Assert.True(r.IsSuccess, r.ReasonCode.ToString()));

        await log.WaitForAsync(Count, subscriber, Burst);
        await log.AssertNoMoreAsync(Count, Quiet);
        IReadOnlyList<Seen> seen = log.Snapshot();

        // Per topic and QoS, exactly the published messages in publish order, with their exact bytes.
        Assert.Equal(Count, seen.Count);
        foreach (IGrouping<(string Topic, MqttQos Qos), Sent> flow in sent.GroupBy(s => (s.Topic, s.Qos)))
        {
            Seen[] got = [.. seen.Where(s => s.Topic == flow.Key.Topic && s.Qos == flow.Key.Qos)];
            Sent[] expected = [.. flow];
            Assert.True(expected.Length == got.Length, $"{flow.Key}: {got.Length} of {expected.Length} messages");
            byte[] topicUtf8 = Encoding.UTF8.GetBytes(flow.Key.Topic);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(topicUtf8, got[i].TopicUtf8);
                Assert.True(expected[i].Payload.AsSpan().SequenceEqual(got[i].Payload), $"{flow.Key} #{i}: expected {expected[i].Payload.Length} bytes, got {got[i].Payload.Length} (order or content)");
                Assert.False(got[i].Retain);
                Assert.False(got[i].HasProperties);
                Assert.Equal(flow.Key.Topic, got[i].Copy.Topic);
                Assert.Equal(flow.Key.Qos, got[i].Copy.Qos);
                Assert.True(expected[i].Payload.AsSpan().SequenceEqual(got[i].Copy.Payload.Span), $"{flow.Key} #{i}: ToMessage copy");
            }
        }

        // The large ones came in pieces: the multi-segment path was exercised, not just the fast one.
        Assert.Equal(10, seen.Count(s => s.Payload.Length >= 100 * 1024));
        Assert.True(log.MultiSegmentPayloads > 0, "no payload spanned more than one receive-buffer segment");
        Assert.True(subscriber.IsConnected);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)] // [MQTT-3.3.1-8] (3.1.1) RETAIN 1 for a new subscription; live copy RETAIN 0: [MQTT-3.3.1-9] (3.1.1), [MQTT-3.3.1-12] (5.0)
    [MemberData(nameof(Versions))]
    public async Task RetainedMessage_ViewRetainTrue_LiveMessagesRetainFalse(MqttProtocolVersion version)
    {
        string topic = ClientHarness.Topic("view-retain");
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);
        try
        {
            Assert.True((await publisher.PublishAsync(topic, Utf8("stored"), MqttQos.AtLeastOnce, retain: true).WaitAsync(ClientHarness.Step)).IsSuccess);

            var log = new ViewLog();
            await using CloudSignalClient subscriber = await ViewClientAsync(version, log);
            await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
            await log.WaitForAsync(1, subscriber, ClientHarness.Step);

            await publisher.PublishAsync(topic, Utf8("live"), MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
            await publisher.PublishAsync(topic, Utf8("live retained"), MqttQos.AtLeastOnce, retain: true).WaitAsync(ClientHarness.Step);
            await log.WaitForAsync(3, subscriber, ClientHarness.Step);
            await log.AssertNoMoreAsync(3, Quiet);

            IReadOnlyList<Seen> seen = log.Snapshot();
            Assert.Equal(new[] { "stored", "live", "live retained" }, seen.Select(s => Encoding.UTF8.GetString(s.Payload)));
            Assert.Equal(new[] { true, false, false }, seen.Select(s => s.Retain));
            Assert.Equal(new[] { true, false, false }, seen.Select(s => s.Copy.Retain));
            Assert.All(seen, s => Assert.Equal(topic, s.Topic));
        }
        finally
        {
            // A zero-byte retained message clears it [MQTT-3.3.1-10].
            await publisher.PublishAsync(topic, ReadOnlyMemory<byte>.Empty, MqttQos.AtLeastOnce, retain: true).WaitAsync(ClientHarness.Step);
        }
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)] // [MQTT-3.3.2-20] content type, [MQTT-3.3.2-15] response topic, [MQTT-3.3.2-16] correlation data, [MQTT-3.3.2-17]/[MQTT-3.3.2-18] user properties in order
    public async Task V5Properties_ReadThroughGetProperties_AndCopiedByToMessage()
    {
        string topic = ClientHarness.Topic("view-properties");
        byte[] correlation = [.. Enumerable.Range(0, 256).Select(i => (byte)i)];
        KeyValuePair<string, string>[] user = [new("trace", "1"), new("unit", "°C"), new("trace", "2"), new("", "")];
        var log = new ViewLog();
        await using CloudSignalClient subscriber = await ViewClientAsync(MqttProtocolVersion.V500, log);
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);

        await publisher.PublishAsync(topic, Utf8("with"), MqttQos.AtLeastOnce, properties: new PublishProperties
        {
            ContentType = "application/json; charset=utf-8",
            ResponseTopic = topic + "/réponse",
            CorrelationData = correlation,
            PayloadFormatIndicator = 1,
            UserProperties = user,
        }).WaitAsync(ClientHarness.Step);
        await publisher.PublishAsync(topic, Utf8("without"), MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);

        // Many more messages through the same buffer, so a copy that still pointed into it would change.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => publisher.PublishAsync(topic, ClientHarness.Payload(2_000), MqttQos.AtLeastOnce))).WaitAsync(ClientHarness.Step);
        await log.WaitForAsync(52, subscriber, ClientHarness.Step);

        IReadOnlyList<Seen> seen = log.Snapshot();
        Seen with = seen[0];
        Assert.Equal("with", Encoding.UTF8.GetString(with.Payload));
        Assert.True(with.HasProperties);
        foreach (PublishProperties p in new[] { with.Properties!, with.Copy.Properties })
        {
            Assert.Equal("application/json; charset=utf-8", p.ContentType);
            Assert.Equal(topic + "/réponse", p.ResponseTopic);
            Assert.Equal(correlation, p.CorrelationData?.ToArray());
            Assert.Equal((byte)1, p.PayloadFormatIndicator);
            Assert.Equal(user, p.UserProperties);
        }

        Seen without = seen[1];
        Assert.Equal("without", Encoding.UTF8.GetString(without.Payload));
        Assert.False(without.HasProperties);
        Assert.Null(without.Properties);
        Assert.Null(without.Copy.Properties.ContentType);
        Assert.Null(without.Copy.Properties.CorrelationData);
        Assert.Empty(without.Copy.Properties.UserProperties);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task V311Subscriber_PublisherSentProperties_ViewHasNone()
    {
        string topic = ClientHarness.Topic("view-properties-311");
        var log = new ViewLog();
        await using CloudSignalClient subscriber = await ViewClientAsync(MqttProtocolVersion.V311, log);
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);

        await publisher.PublishAsync(topic, Utf8("x"), MqttQos.AtLeastOnce, properties: new PublishProperties { ContentType = "text/plain" }).WaitAsync(ClientHarness.Step);
        await log.WaitForAsync(1, subscriber, ClientHarness.Step);

        Seen seen = Assert.Single(log.Snapshot());
        Assert.False(seen.HasProperties);
        Assert.Null(seen.Copy.Properties.ContentType);
    }

    [Theory(Timeout = 90_000)]
    [MemberData(nameof(Versions))]
    public async Task ToMessageCopies_KeptAcrossLaterMessages_AllIntactAtTheEnd(MqttProtocolVersion version)
    {
        const int Count = 300;
        string root = ClientHarness.Topic("view-copies");
        var copies = new List<MqttMessage>();
        var log = new ViewLog(view =>
        {
            lock (copies)
            {
                copies.Add(view.ToMessage());
            }
        });
        await using CloudSignalClient subscriber = await ViewClientAsync(version, log);
        await subscriber.SubscribeAsync(root + "/#", MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);

        // Random bytes of varied sizes (three of 100 KiB and more): a copy aliasing the reused
        // receive buffer would end up holding a later message's bytes.
        Sent[] sent = [.. Enumerable.Range(0, Count).Select(i => new Sent($"{root}/{i}", ClientHarness.Payload(i % 100 == 50 ? 100 * 1024 + i : (i * 37) % 3_000), MqttQos.AtLeastOnce))];
        Assert.All(await Task.WhenAll(sent.Select(s => publisher.PublishAsync(s.Topic, s.Payload, s.Qos))).WaitAsync(Burst), r => Assert.True(r.IsSuccess));
        await log.WaitForAsync(Count, subscriber, Burst);

        MqttMessage[] kept;
        lock (copies)
        {
            kept = [.. copies];
        }

        Assert.Equal(sent.Select(s => s.Topic), kept.Select(m => m.Topic));
        for (int i = 0; i < Count; i++)
        {
            Assert.True(sent[i].Payload.AsSpan().SequenceEqual(kept[i].Payload.Span), $"copy {i} ({sent[i].Payload.Length} bytes) changed after later messages");
            Assert.Equal(MqttQos.AtLeastOnce, kept[i].Qos);
            Assert.False(kept[i].Retain);
        }
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task ViewOnly_NothingCopiedToMessages_UntilMessagesIsRead(MqttProtocolVersion version)
    {
        const int Count = 100;
        string topic = ClientHarness.Topic("view-only");
        var log = new ViewLog();
        await using CloudSignalClient subscriber = await ViewClientAsync(version, log);
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => publisher.PublishAsync(topic, Utf8($"m{i}"), MqttQos.AtLeastOnce))).WaitAsync(ClientHarness.Step);
        await log.WaitForAsync(Count, subscriber, ClientHarness.Step);

        // All 100 went to the view; none was copied for Messages (read only now, after they arrived).
        Assert.False(subscriber.Messages.TryRead(out MqttMessage? copied), $"Messages held '{copied?.Topic}'");

        // From now on Messages is wanted: the next ones go to both.
        await Task.WhenAll(Enumerable.Range(Count, 5).Select(i => publisher.PublishAsync(topic, Utf8($"m{i}"), MqttQos.AtLeastOnce))).WaitAsync(ClientHarness.Step);
        for (int i = Count; i < Count + 5; i++)
        {
            Assert.Equal($"m{i}", Encoding.UTF8.GetString((await subscriber.ReceiveAsync(what: $"m{i}")).Payload.Span));
        }

        await log.WaitForAsync(Count + 5, subscriber, ClientHarness.Step);
        Assert.Equal(Enumerable.Range(0, Count + 5).Select(i => $"m{i}"), log.Snapshot().Select(s => Encoding.UTF8.GetString(s.Payload)));
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task ViewAndMessageCallback_BothSeeEveryMessageInOrder(MqttProtocolVersion version)
    {
        const int Count = 200;
        string topic = ClientHarness.Topic("view-and-callback");
        var log = new ViewLog();
        var callback = new List<MqttMessage>();
        using var allCalledBack = new CancellationTokenSource();
        var subscriber = new CloudSignalClient(ClientHarness.Options(broker, version));
        await using (subscriber)
        {
            subscriber.SetMessageViewCallback(log.Add);
            subscriber.SetMessageCallback(m =>
            {
                lock (callback)
                {
                    callback.Add(m);
                }
            });
            await subscriber.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl }).WaitAsync(ClientHarness.Step);
            await subscriber.SubscribeAsync(topic, MqttQos.ExactlyOnce).WaitAsync(ClientHarness.Step);
            await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);

            byte[][] payloads = [.. Enumerable.Range(0, Count).Select(i => ClientHarness.Payload(i % 50 == 0 ? 20_000 : 1 + i))];
            await Task.WhenAll(payloads.Select(p => publisher.PublishAsync(topic, p, MqttQos.ExactlyOnce))).WaitAsync(ClientHarness.Step);
            await log.WaitForAsync(Count, subscriber, ClientHarness.Step);
            await WaitUntilAsync(() => Called(callback) >= Count, $"{Count} message callbacks");
            await log.AssertNoMoreAsync(Count, Quiet);

            IReadOnlyList<Seen> seen = log.Snapshot();
            MqttMessage[] called;
            lock (callback)
            {
                called = [.. callback];
            }

            Assert.Equal(Count, called.Length);
            for (int i = 0; i < Count; i++)
            {
                Assert.True(payloads[i].AsSpan().SequenceEqual(seen[i].Payload), $"view {i}");
                Assert.True(payloads[i].AsSpan().SequenceEqual(called[i].Payload.Span), $"callback {i}");
                Assert.Equal(topic, called[i].Topic);
                Assert.Equal(MqttQos.ExactlyOnce, called[i].Qos);
            }
        }

        static int Called(List<MqttMessage> list)
        {
            lock (list)
            {
                return list.Count;
            }
        }
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task ThrowingViewCallback_ConnectionSurvives_LaterMessagesStillArrive(MqttProtocolVersion version)
    {
        const int Count = 60;
        string topic = ClientHarness.Topic("view-throws");

        // Every third call throws, the first one included.
        var log = new ViewLog(view =>
        {
            if (int.Parse(Encoding.UTF8.GetString(view.Payload.FirstSpan)[1..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0)
            {
                throw new InvalidOperationException("application bug in the view callback");
            }
        });
        await using CloudSignalClient subscriber = await ViewClientAsync(version, log);
        await subscriber.SubscribeAsync(topic, MqttQos.ExactlyOnce).WaitAsync(ClientHarness.Step);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);

        for (int i = 0; i < Count; i++)
        {
            // One at a time at mixed QoS, so each read holds (usually) one message and every QoS flow is acknowledged.
            await publisher.PublishAsync(topic, Utf8($"m{i}"), (MqttQos)(i % 3)).WaitAsync(ClientHarness.Step);
        }

        await log.WaitForAsync(Count, subscriber, ClientHarness.Step);
        await log.AssertNoMoreAsync(Count, Quiet);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"m{i}"), log.Snapshot().Select(s => Encoding.UTF8.GetString(s.Payload)));
        Assert.True(subscriber.IsConnected);

        // The session still works both ways.
        Assert.True((await subscriber.PublishAsync(topic, Utf8($"m{Count}"), MqttQos.ExactlyOnce).WaitAsync(ClientHarness.Step)).IsSuccess);
        await log.WaitForAsync(Count + 1, subscriber, ClientHarness.Step);
        Assert.True(subscriber.IsConnected);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task LongTopics_SpanningSeveralReceiveSegments_ViewTopicExact(MqttProtocolVersion version)
    {
        // The receive buffer's segments are at most 16 KiB, so these topics cannot be contiguous:
        // TopicUtf8 must be the joined bytes, not the first segment's.
        string root = ClientHarness.Topic("view-long");
        string[] topics = [.. new[] { 20_000, 40_000, 65_000 }.Select(n => LongTopic(root, n))];
        var log = new ViewLog();
        await using CloudSignalClient subscriber = await ViewClientAsync(version, log);
        await subscriber.SubscribeAsync(root + "/#", MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
        await using CloudSignalClient publisher = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), CancellationToken.None);

        for (int i = 0; i < topics.Length; i++)
        {
            // A short and a long topic alternate, so the long one starts part-way into a segment.
            await publisher.PublishAsync(root + "/short", Utf8($"short {i}"), MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
            await publisher.PublishAsync(topics[i], Utf8($"long {i}"), MqttQos.AtLeastOnce).WaitAsync(ClientHarness.Step);
        }

        await log.WaitForAsync(2 * topics.Length, subscriber, ClientHarness.Step);
        IReadOnlyList<Seen> seen = log.Snapshot();
        for (int i = 0; i < topics.Length; i++)
        {
            Seen shortOne = seen[2 * i];
            Seen longOne = seen[(2 * i) + 1];
            Assert.Equal(root + "/short", shortOne.Topic);
            Assert.Equal($"long {i}", Encoding.UTF8.GetString(longOne.Payload));
            Assert.Equal(Encoding.UTF8.GetByteCount(topics[i]), longOne.TopicUtf8.Length);
            Assert.True(Encoding.UTF8.GetBytes(topics[i]).AsSpan().SequenceEqual(longOne.TopicUtf8), $"topic {i}: TopicUtf8 differs");
            Assert.Equal(topics[i], longOne.Topic);
            Assert.Equal(topics[i], longOne.Copy.Topic);
        }
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)] // 5.0 §3.3.2.3.4: the receiver replaces an alias with the topic it maps to
    public async Task TopicAliasFromBroker_ViewShowsTheMappedTopic()
    {
        await using var scripted = new ScriptedBroker();
        scripted.Script.SendMalformed(Encode(
            Publish("alias/one", 1, "1"),
            Publish(string.Empty, 1, "2"),
            Publish("alias/three", 1, "3"), // a new mapping of another length
            Publish(string.Empty, 1, "4")));
        var log = new ViewLog();
        await using CloudSignalClient client = await ViewClientAsync(MqttProtocolVersion.V500, log, scripted.Url, topicAliasMaximum: 5);

        await log.WaitForAsync(4, client, ClientHarness.Step);
        IReadOnlyList<Seen> seen = log.Snapshot();
        Assert.Equal(new[] { "1", "2", "3", "4" }, seen.Select(s => Encoding.UTF8.GetString(s.Payload)));
        Assert.Equal(new[] { "alias/one", "alias/one", "alias/three", "alias/three" }, seen.Select(s => s.Topic));
        Assert.Equal(new[] { "alias/one", "alias/one", "alias/three", "alias/three" }, seen.Select(s => Encoding.UTF8.GetString(s.TopicUtf8)));
        Assert.Equal(new[] { "alias/one", "alias/one", "alias/three", "alias/three" }, seen.Select(s => s.Copy.Topic));
        Assert.True(client.IsConnected);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)] // 5.0 §3.3.2.3.4: a new topic for an alias replaces the mapping for later PUBLISHes only
    public async Task TopicAliasRemappedToSameLengthTopicInOneRead_EarlierViewKeepsItsTopic()
    {
        await using var scripted = new ScriptedBroker();

        // One send, so one read: the views run after the whole read was decoded.
        scripted.Script.SendMalformed(Encode(
            Publish("sensor/01", 1, "a"),
            Publish(string.Empty, 1, "b"), // sensor/01 through the alias
            Publish("sensor/02", 1, "c"),  // alias 1 now means sensor/02 (same length)
            Publish(string.Empty, 1, "d")));
        var log = new ViewLog();
        await using CloudSignalClient client = await ViewClientAsync(MqttProtocolVersion.V500, log, scripted.Url, topicAliasMaximum: 5);

        await log.WaitForAsync(4, client, ClientHarness.Step);
        IReadOnlyList<Seen> seen = log.Snapshot();
        Assert.Equal(new[] { "a", "b", "c", "d" }, seen.Select(s => Encoding.UTF8.GetString(s.Payload)));
        Assert.Equal(new[] { "sensor/01", "sensor/01", "sensor/02", "sensor/02" }, seen.Select(s => s.Topic));
        Assert.Equal(new[] { "sensor/01", "sensor/01", "sensor/02", "sensor/02" }, seen.Select(s => Encoding.UTF8.GetString(s.TopicUtf8)));
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task TopicAliasOnlyProperty_ViewHasNoApplicationProperties()
    {
        await using var scripted = new ScriptedBroker();
        scripted.Script.SendMalformed(Encode(Publish("alias/only", 1, "x")));
        var log = new ViewLog();
        await using CloudSignalClient client = await ViewClientAsync(MqttProtocolVersion.V500, log, scripted.Url, topicAliasMaximum: 5);

        await log.WaitForAsync(1, client, ClientHarness.Step);
        Seen seen = Assert.Single(log.Snapshot());

        // The alias is consumed by the client; GetProperties has nothing to show, so HasProperties says so.
        Assert.Null(seen.Copy.Properties.ContentType);
        Assert.Empty(seen.Copy.Properties.UserProperties);
        Assert.False(seen.HasProperties, "HasProperties is true for a PUBLISH whose only property is a Topic Alias");
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)] // the view callback runs "on the client's receive loop, in order": one call at a time
    public async Task ViewCallbackBlockedAcrossKeepAliveReconnect_CallsNeverOverlap()
    {
        await using var scripted = new ScriptedBroker();
        scripted.Script.IgnorePingReq(firstConnections: 1);
        int inside = 0;
        int mostInside = 0;
        var payloads = new List<string>();
        using var release = new ManualResetEventSlim();
        using var online = new SemaphoreSlim(0);
        await using var client = new CloudSignalClient(FaultHarness.Options(MqttProtocolVersion.V500, TimeSpan.FromMilliseconds(50), keepAlive: TimeSpan.FromSeconds(1)));
        client.SetOnlineCallback(() => online.Release());
        client.SetMessageViewCallback(view =>
        {
            int now = Interlocked.Increment(ref inside);
            InterlockedMax(ref mostInside, now);
            string text = Encoding.UTF8.GetString(view.Payload.ToArray());
            lock (payloads)
            {
                payloads.Add(text);
            }

            if (text == "first")
            {
                // An application that blocks its view callback: the first link's receive loop stalls here.
                release.Wait(ClientHarness.Step);
            }

            Interlocked.Decrement(ref inside);
        });
        await client.ConnectAsync(new ConnectParameters { Host = scripted.Url }).WaitAsync(FaultHarness.Step);
        Assert.True(await online.WaitAsync(FaultHarness.Step));

        Assert.True(scripted.SendPublish(1, "view/blocked", Encoding.UTF8.GetBytes("first"), MqttQos.AtMostOnce));
        await FaultHarness.WaitUntilAsync(() => Volatile.Read(ref inside) == 1, "the first view callback entered");

        // The unanswered PINGREQ ends the first connection; the client reconnects on its own.
        Assert.True(await online.WaitAsync(FaultHarness.Step), "no reconnect after the keep alive timeout");
        await scripted.WaitForConnectionAsync(2, FaultHarness.Step);
        Assert.True(scripted.SendPublish(2, "view/blocked", Encoding.UTF8.GetBytes("second"), MqttQos.AtMostOnce));

        // While the first call is still blocked, a second one must not start (bounded window).
        using (var window = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            while (!window.IsCancellationRequested && Volatile.Read(ref mostInside) < 2)
            {
                await Task.Delay(5, CancellationToken.None);
            }
        }

        release.Set();
        await FaultHarness.WaitUntilAsync(() => Count(payloads) == 2, "both views");
        Assert.Equal(1, Volatile.Read(ref mostInside));
        Assert.Equal(new[] { "first", "second" }, payloads);

        static int Count(List<string> list)
        {
            lock (list)
            {
                return list.Count;
            }
        }

        static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }

    private static PublishPacket Publish(string topic, ushort alias, string payload) => new()
    {
        TopicName = topic,
        Payload = Encoding.UTF8.GetBytes(payload),
        Properties = new PublishPacketProperties { TopicAlias = alias },
    };

    /// <summary>The packets as 5.0 wire bytes, to be sent in one piece.</summary>
    private static byte[] Encode(params PublishPacket[] packets)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (PublishPacket packet in packets)
        {
            PacketEncoder.Write(output, packet, MqttProtocolVersion.V500);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>A topic of exactly <paramref name="bytes"/> UTF-8 bytes under <paramref name="root"/>, with multi-byte characters throughout.</summary>
    private static string LongTopic(string root, int bytes)
    {
        var text = new StringBuilder(root).Append("/long/");
        string[] pieces = ["a", "ü", "€", "𝄞", "-"]; // one topic level: with thousands of levels mosquitto never acknowledged the PUBLISH
        for (int i = 0; Encoding.UTF8.GetByteCount(text.ToString()) < bytes - 4; i++)
        {
            text.Append(pieces[i % pieces.Length]);
        }

        while (Encoding.UTF8.GetByteCount(text.ToString()) < bytes)
        {
            text.Append('z');
        }

        return text.ToString();
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>One of five topics under <paramref name="root"/>, with 1-, 2-, 3- and 4-byte UTF-8 characters.</summary>
    private static string BulkTopic(string root, int i) => $"{root}/{i % 5}/ü€𝄞";

    /// <summary>Payload i: sizes around segment-size edges, every 100th at least 100 KiB; random bytes.</summary>
    private static byte[] BulkPayload(int i) => ClientHarness.Payload(i % 100 == 7 ? 100 * 1024 + i : (i % 8) switch
    {
        0 => 0,
        1 => 1,
        2 => 127,
        3 => 128,
        4 => 4_095,
        5 => 4_097,
        6 => 16_385,
        _ => 33 + i,
    });

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        while (!condition())
        {
            try
            {
                await Task.Delay(5, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {ClientHarness.Step.TotalSeconds} s waiting for: {what}.");
            }
        }
    }

    /// <summary>
    /// A connected client with only the view callback (it never touches <see cref="CloudSignalClient.Messages"/>,
    /// unlike <see cref="ClientHarness.ConnectAsync"/>).
    /// </summary>
    private async Task<CloudSignalClient> ViewClientAsync(MqttProtocolVersion version, ViewLog log, string? url = null, ushort topicAliasMaximum = 0)
    {
        var client = new CloudSignalClient(new CloudSignalOptions
        {
            ProtocolVersion = version,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectPeriod = TimeSpan.Zero,
            TopicAliasMaximum = topicAliasMaximum,
        });
        client.SetMessageViewCallback(log.Add);
        try
        {
            await client.ConnectAsync(new ConnectParameters { Host = url ?? broker.TcpUrl, ClientId = ClientHarness.ClientId("view") }).WaitAsync(ClientHarness.Step);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private sealed record Sent(string Topic, byte[] Payload, MqttQos Qos);

    /// <summary>What one view showed during its callback, copied then; <see cref="Copy"/> is its <see cref="MqttMessageView.ToMessage"/>.</summary>
    private sealed record Seen(byte[] TopicUtf8, string Topic, byte[] Payload, MqttQos Qos, bool Retain, bool HasProperties, PublishProperties? Properties, MqttMessage Copy);

    /// <summary>
    /// The view callback's record: every view copied as it is seen, then <c>then</c> (which may
    /// throw, after the record was taken). Waits are bounded and signalled, never polled.
    /// </summary>
    private sealed class ViewLog(MqttMessageViewCallback? then = null)
    {
        private readonly object _gate = new();
        private readonly List<Seen> _seen = [];
        private TaskCompletionSource? _changed;
        private int _multiSegment;

        /// <summary>Views whose payload was not one contiguous span.</summary>
        public int MultiSegmentPayloads => Volatile.Read(ref _multiSegment);

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _seen.Count;
                }
            }
        }

        public void Add(MqttMessageView view)
        {
            if (!view.Payload.IsSingleSegment)
            {
                Interlocked.Increment(ref _multiSegment);
            }

            var seen = new Seen(
                view.TopicUtf8.ToArray(),
                view.GetTopic(),
                view.Payload.ToArray(),
                view.Qos,
                view.Retain,
                view.HasProperties,
                view.HasProperties ? view.GetProperties() : null,
                view.ToMessage());
            TaskCompletionSource? changed;
            lock (_gate)
            {
                _seen.Add(seen);
                changed = _changed;
                _changed = null;
            }

            changed?.TrySetResult();
            then?.Invoke(view);
        }

        public IReadOnlyList<Seen> Snapshot()
        {
            lock (_gate)
            {
                return [.. _seen];
            }
        }

        /// <summary>Returns once <paramref name="count"/> views were seen; a TimeoutException after <paramref name="timeout"/>.</summary>
        public async Task WaitForAsync(int count, CloudSignalClient client, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_seen.Count >= count)
                    {
                        return;
                    }

                    changed = (_changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }

                try
                {
                    await changed.WaitAsync(cts.Token);
                }
                catch (OperationCanceledException) when (cts.IsCancellationRequested)
                {
                    throw new TimeoutException($"{Count} of {count} views within {timeout.TotalSeconds} s; connected: {client.IsConnected}.");
                }
            }
        }

        /// <summary>Waits <paramref name="window"/> and asserts the count is still <paramref name="count"/> (no duplicates, no extras).</summary>
        public async Task AssertNoMoreAsync(int count, TimeSpan window)
        {
            await Task.Delay(window);
            Assert.Equal(count, Count);
        }
    }
}
