using System.Globalization;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Abstractions;
using static CloudSignal.Mqtt.IntegrationTests.Features.FeatureClients;

namespace CloudSignal.Mqtt.IntegrationTests.Features;

/// <summary>Shared subscriptions (5.0 §4.8.2) through mosquitto.</summary>
[Collection(MosquittoCollection.Name)]
public class SharedSubscriptionTests(MosquittoFixture broker, ITestOutputHelper output)
{
    [Fact] // §4.8.2: each message matching a shared subscription goes to one member of the group
    public async Task SharedSubscription_TwoMembersTwentyMessages_SplitWithoutLossOrDuplicates()
    {
        const int Count = 20;
        string root = NewRoot("shared");
        string filter = $"$share/group-{Guid.NewGuid():N}/{root}/jobs/#";
        await using CloudSignalClient first = await ConnectAsync(broker, "worker1");
        await using CloudSignalClient second = await ConnectAsync(broker, "worker2");
        await using CloudSignalClient observer = await ConnectAsync(broker, "observer"); // plain subscription: gets every message
        await using CloudSignalClient publisher = await ConnectAsync(broker, "pub");
        Assert.True((await first.SubscribeAsync(filter, MqttQos.AtLeastOnce).Bounded()).IsSuccess);
        Assert.True((await second.SubscribeAsync(filter, MqttQos.AtLeastOnce).Bounded()).IsSuccess);
        await observer.SubscribeAsync(root + "/jobs/#", MqttQos.AtLeastOnce).Bounded();

        for (int i = 0; i < Count; i++)
        {
            await publisher.PublishAsync(root + "/jobs/x", Utf8(i.ToString(CultureInfo.InvariantCulture)), MqttQos.AtLeastOnce).Bounded();
        }

        // The observer's copy of the last message means mosquitto has routed all twenty.
        Assert.Equal(Count, (await observer.ReadAsync(Count)).Count);
        List<string> firstGot = Drain(first);
        List<string> secondGot = Drain(second);
        while (firstGot.Count + secondGot.Count < Count)
        {
            // Routed is not yet received: wait for whichever member is behind.
            using var cts = new CancellationTokenSource(WaitLimit);
            Task<bool> a = first.Messages.WaitToReadAsync(cts.Token).AsTask();
            Task<bool> b = second.Messages.WaitToReadAsync(cts.Token).AsTask();
            await Task.WhenAny(a, b).Unwrap().WaitAsync(WaitLimit);
            firstGot.AddRange(Drain(first));
            secondGot.AddRange(Drain(second));
        }

        await Task.WhenAll(first.AssertNoMessageAsync(), second.AssertNoMessageAsync()); // no duplicate trails behind
        output.WriteLine($"mosquitto split {Count} messages {firstGot.Count}/{secondGot.Count}.");
        Assert.NotEmpty(firstGot);
        Assert.NotEmpty(secondGot);
        Assert.Equal(
            Enumerable.Range(0, Count),
            firstGot.Concat(secondGot).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order());
    }

    [Fact] // [MQTT-3.8.3-4] No Local on a shared subscription is a Protocol Error: refused before sending
    public async Task SharedSubscription_WithNoLocal_RefusedLocallyAsProtocolError()
    {
        await using CloudSignalClient client = await ConnectAsync(broker, "shared-nolocal");

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            client.SubscribeAsync("$share/g/" + NewRoot("shared-nolocal"), new SubscriptionOptions { NoLocal = true }));

        Assert.Equal(MqttReasonCode.ProtocolError, Assert.IsType<MqttProtocolException>(error.InnerException).ReasonCode);
        Assert.True(client.IsConnected); // nothing was sent; the connection is untouched
        Assert.True((await client.SubscribeAsync("$share/g/" + NewRoot("shared-ok"), MqttQos.AtLeastOnce).Bounded()).IsSuccess);
    }

    private static List<string> Drain(CloudSignalClient client)
    {
        var texts = new List<string>();
        while (client.Messages.TryRead(out MqttMessage? message))
        {
            texts.Add(message.Text());
        }

        return texts;
    }
}
