using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using static CloudSignal.Mqtt.IntegrationTests.Features.FeatureClients;

namespace CloudSignal.Mqtt.IntegrationTests.Features;

/// <summary>
/// MQTT 5.0-only features on a 3.1.1 connection: the client refuses them at the call with a
/// typed error instead of dropping them silently, and a 3.1.1 subscriber simply sees none.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class V311FeatureTests(MosquittoFixture broker)
{
    /// <summary>
    /// The anonymous listener takes any user name. Giving one keeps these property tests apart
    /// from how a CONNECT without credentials is encoded (a concern of the connect tests).
    /// </summary>
    private const string AnyUser = "feature-tests";

    public static TheoryData<string, PublishProperties> FiveOnlyProperties => new()
    {
        { "user property", new PublishProperties { UserProperties = [new("k", "v")] } },
        { "content type", new PublishProperties { ContentType = "text/plain" } },
        { "response topic", new PublishProperties { ResponseTopic = "reply/here" } },
        { "correlation data", new PublishProperties { CorrelationData = new byte[] { 1, 2 } } },
        { "message expiry", new PublishProperties { MessageExpiryInterval = TimeSpan.FromSeconds(5) } },
        { "payload format", new PublishProperties { PayloadFormatIndicator = 1 } },
    };

    [Theory] // 3.1.1 PUBLISH has no properties (3.1.1 §3.3.2): refused at the call, nothing sent, connection intact
    [MemberData(nameof(FiveOnlyProperties))]
    public async Task PublishWithProperties_V311_ArgumentExceptionWithProtocolErrorAndConnectionKept(string name, PublishProperties properties)
    {
        string topic = NewRoot("v311-properties") + "/t";
        await using CloudSignalClient client = await ConnectAsync(broker, "v311", Options(MqttProtocolVersion.V311), username: AnyUser);
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce).Bounded();

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            client.PublishAsync(topic, Utf8("refused"), MqttQos.AtLeastOnce, properties: properties));

        Assert.Equal(MqttReasonCode.ProtocolError, Assert.IsType<MqttProtocolException>(error.InnerException).ReasonCode);
        Assert.True(client.IsConnected, name);
        await client.PublishAsync(topic, Utf8("after"), MqttQos.AtLeastOnce).Bounded();
        Assert.Equal("after", (await client.NextAsync()).Text()); // the refused one never went out
    }

    [Fact] // An empty property set asks for nothing 5.0-only: accepted on 3.1.1
    public async Task PublishWithEmptyProperties_V311_Delivered()
    {
        string topic = NewRoot("v311-empty-properties") + "/t";
        await using CloudSignalClient client = await ConnectAsync(broker, "v311", Options(MqttProtocolVersion.V311), username: AnyUser);
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce).Bounded();

        PublishResult result = await client.PublishAsync(topic, Utf8("fine"), MqttQos.AtLeastOnce, properties: new PublishProperties()).Bounded();

        Assert.True(result.IsSuccess);
        Assert.Equal("fine", (await client.NextAsync()).Text());
    }

    [Fact] // 3.1.1 subscriptions have only a QoS (3.1.1 §3.8.3.1): 5.0 options are refused at the call
    public async Task SubscribeWithFiveOnlyOptions_V311_ArgumentExceptionAndConnectionKept()
    {
        string topic = NewRoot("v311-options") + "/t";
        await using CloudSignalClient client = await ConnectAsync(broker, "v311", Options(MqttProtocolVersion.V311), username: AnyUser);

        SubscriptionOptions[] fiveOnly =
        [
            new() { NoLocal = true },
            new() { RetainAsPublished = true },
            new() { RetainHandling = MqttRetainHandling.DoNotSend },
            new() { SubscriptionIdentifier = 5 },
        ];
        foreach (SubscriptionOptions options in fiveOnly)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => client.SubscribeAsync(topic, options));
            Assert.IsType<MqttProtocolException>(error.InnerException);
        }

        Assert.True(client.IsConnected);
        Assert.True((await client.SubscribeAsync(topic, MqttQos.AtLeastOnce).Bounded()).IsSuccess);
    }

    [Fact] // mosquitto forwards a 5.0 message to a 3.1.1 subscriber without its properties; the payload is intact
    public async Task V500PublishWithProperties_V311Subscriber_ReceivesPayloadWithoutProperties()
    {
        string topic = NewRoot("v311-receiver") + "/t";
        await using CloudSignalClient subscriber = await ConnectAsync(broker, "v311", Options(MqttProtocolVersion.V311), username: AnyUser);
        await using CloudSignalClient publisher = await ConnectAsync(broker, "v500");
        await subscriber.SubscribeAsync(topic, MqttQos.AtLeastOnce).Bounded();

        await publisher.PublishAsync(topic, Utf8("data"), MqttQos.AtLeastOnce, properties: new PublishProperties
        {
            ContentType = "text/plain",
            CorrelationData = new byte[] { 9 },
            UserProperties = [new("k", "v")],
            PayloadFormatIndicator = 1,
        }).Bounded();

        MqttMessage received = await subscriber.NextAsync();
        Assert.Equal("data", received.Text());
        Assert.Null(received.Properties.ContentType);
        Assert.Null(received.Properties.CorrelationData);
        Assert.Null(received.Properties.PayloadFormatIndicator);
        Assert.Empty(received.Properties.UserProperties);
    }
}
