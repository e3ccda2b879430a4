using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static CloudSignal.Mqtt.IntegrationTests.Features.FeatureClients;

namespace CloudSignal.Mqtt.IntegrationTests.Features;

/// <summary>
/// MQTT 5.0 application-message properties (5.0 §3.3.2.3) published by one CloudSignalClient,
/// forwarded by mosquitto and read back by another: what the spec says the server passes on
/// unaltered must arrive unaltered.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class PublishPropertyTests(MosquittoFixture broker, ITestOutputHelper output)
{
    [Theory] // [MQTT-3.3.2-17] forwarded unaltered, [MQTT-3.3.2-18] order kept; duplicates allowed (§3.3.2.3.7)
    [InlineData(MqttQos.AtMostOnce)]
    [InlineData(MqttQos.AtLeastOnce)]
    [InlineData(MqttQos.ExactlyOnce)]
    public async Task UserProperties_SeveralWithDuplicateNames_ArriveInOrder(MqttQos qos)
    {
        string topic = NewRoot("user-properties") + "/t";
        KeyValuePair<string, string>[] sent =
        [
            new("trace", "first"),
            new("unit", "°C"),
            new("trace", "second"),
            new("empty-value", ""),
            new("", "empty name"),
            new("trace", "first"), // the same pair again is still a separate property
            new("日本", "値 ✓"),
        ];
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await subscriber.SubscribeAsync(topic, MqttQos.ExactlyOnce).Bounded();

        await publisher.PublishAsync(topic, Utf8("payload"), qos, properties: new PublishProperties { UserProperties = sent }).Bounded();

        MqttMessage received = await subscriber.NextAsync();
        Assert.Equal(sent, received.Properties.UserProperties);
        Assert.Equal("payload", received.Text());
    }

    [Fact] // [MQTT-3.3.2-20] Content Type, [MQTT-3.3.2-15] Response Topic, [MQTT-3.3.2-16] Correlation Data, all unaltered
    public async Task ContentTypeResponseTopicCorrelationData_Published_ArriveUnaltered()
    {
        string root = NewRoot("request-response");
        byte[] correlation = [.. Enumerable.Range(0, 256).Select(i => (byte)i)]; // every byte value, 0x00 included
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await subscriber.SubscribeAsync(root + "/request", MqttQos.AtLeastOnce).Bounded();

        await publisher.PublishAsync(root + "/request", Utf8("{}"), MqttQos.AtLeastOnce, properties: new PublishProperties
        {
            ContentType = "application/json; charset=utf-8",
            ResponseTopic = root + "/réponse/1",
            CorrelationData = correlation,
        }).Bounded();

        MqttMessage received = await subscriber.NextAsync();
        Assert.Equal("application/json; charset=utf-8", received.Properties.ContentType);
        Assert.Equal(root + "/réponse/1", received.Properties.ResponseTopic);
        Assert.Equal(correlation, received.Properties.CorrelationData?.ToArray());
    }

    [Fact] // A PUBLISH without properties gets none added on the way (no expiry, no format, no user properties).
    public async Task NoProperties_Published_ArriveWithoutProperties()
    {
        string topic = NewRoot("no-properties") + "/t";
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).Bounded();

        await publisher.PublishAsync(topic, Utf8("bare"), MqttQos.AtLeastOnce).Bounded();

        PublishProperties p = (await subscriber.NextAsync()).Properties;
        Assert.Null(p.ContentType);
        Assert.Null(p.ResponseTopic);
        Assert.Null(p.CorrelationData);
        Assert.Null(p.MessageExpiryInterval);
        Assert.Null(p.PayloadFormatIndicator);
        Assert.Empty(p.UserProperties);
        Assert.Empty(p.SubscriptionIdentifiers);
    }

    [Fact] // [MQTT-3.3.2-6] the forwarded interval is the received one minus the time waited: never more
    public async Task MessageExpiryInterval_LiveDelivery_ArrivesAtMostTheValueSent()
    {
        string topic = NewRoot("expiry-live") + "/t";
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).Bounded();

        await publisher.PublishAsync(topic, Utf8("expires"), MqttQos.AtLeastOnce,
            properties: new PublishProperties { MessageExpiryInterval = TimeSpan.FromSeconds(60) }).Bounded();

        TimeSpan? expiry = (await subscriber.NextAsync()).Properties.MessageExpiryInterval;
        Assert.NotNull(expiry);
        Assert.InRange(expiry.Value, TimeSpan.FromSeconds(60) - WaitLimit, TimeSpan.FromSeconds(60));
    }

    [Fact] // [MQTT-3.3.2-6] also for a retained message sent to a later subscriber
    public async Task MessageExpiryInterval_RetainedToLateSubscriber_ArrivesAtMostTheValueSent()
    {
        string topic = NewRoot("expiry-retained") + "/t";
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await publisher.PublishAsync(topic, Utf8("kept"), MqttQos.AtLeastOnce, retain: true,
            properties: new PublishProperties { MessageExpiryInterval = TimeSpan.FromSeconds(120) }).Bounded();
        try
        {
            await using CloudSignalClient late = await ConnectAsync(broker, "late");
            await late.SubscribeAsync(topic, MqttQos.AtLeastOnce).Bounded();

            MqttMessage received = await late.NextAsync("the retained message");
            Assert.True(received.Retain);
            Assert.NotNull(received.Properties.MessageExpiryInterval);
            Assert.InRange(received.Properties.MessageExpiryInterval.Value, TimeSpan.FromSeconds(120) - WaitLimit, TimeSpan.FromSeconds(120));
        }
        finally
        {
            await publisher.ClearRetainedAsync(topic);
        }
    }

    [Theory] // [MQTT-3.3.2-4] the Payload Format Indicator is forwarded unaltered
    [InlineData((byte)0)]
    [InlineData((byte)1)]
    public async Task PayloadFormatIndicator_Published_ArrivesUnaltered(byte indicator)
    {
        string topic = NewRoot("payload-format") + "/t";
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).Bounded();

        await publisher.PublishAsync(topic, Utf8("température"), MqttQos.AtLeastOnce,
            properties: new PublishProperties { PayloadFormatIndicator = indicator }).Bounded();

        MqttMessage received = await subscriber.NextAsync();
        Assert.Equal(indicator, received.Properties.PayloadFormatIndicator);
        Assert.Equal("température", received.Text());
    }

    [Fact] // §3.3.2.3.2: a server MAY check a payload marked UTF-8 and refuse it with 0x99; if it takes it, it forwards it as is
    public async Task PayloadFormatIndicatorUtf8_InvalidUtf8Payload_RefusedWith0x99OrForwardedUnaltered()
    {
        string topic = NewRoot("payload-format-invalid") + "/t";
        byte[] notUtf8 = [0xC3, 0x28, 0xFF];
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "sub");
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).Bounded();

        PublishResult result = await publisher.PublishAsync(topic, notUtf8, MqttQos.AtLeastOnce,
            properties: new PublishProperties { PayloadFormatIndicator = 1 }).Bounded();
        output.WriteLine($"mosquitto answered 0x{(byte)result.ReasonCode:X2}.");

        if (result.IsSuccess)
        {
            MqttMessage received = await subscriber.NextAsync();
            Assert.Equal((byte)1, received.Properties.PayloadFormatIndicator);
            Assert.Equal(notUtf8, received.Payload.ToArray());
        }
        else
        {
            Assert.Equal(MqttReasonCode.PayloadFormatInvalid, result.ReasonCode);
            await subscriber.AssertNoMessageAsync();
        }
    }
}
