using System.Threading.Channels;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// Lifecycle callbacks through a real connection loss: the socket drops without DISCONNECT
/// (<c>AbortConnectionAsync</c>), then offline, reconnecting(1) and online fire in that order, and
/// the reconnected client publishes and receives again.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class ReconnectTests(MosquittoFixture broker)
{
    public static TheoryData<string, MqttProtocolVersion> Cases => new()
    {
        { MosquittoFixture.Tcp, MqttProtocolVersion.V311 },
        { MosquittoFixture.Tcp, MqttProtocolVersion.V500 },
        { MosquittoFixture.Wss, MqttProtocolVersion.V500 },
    };

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Cases))]
    public async Task SocketLost_AutoReconnect_CallbacksInOrderAndClientWorksAgain(string transport, MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step * 2);
        var events = Channel.CreateUnbounded<string>();
        await using var client = new CloudSignalClient(ClientHarness.Options(broker, version, reconnectPeriod: TimeSpan.FromMilliseconds(200)));
        _ = client.Messages;
        client.SetOnlineCallback(() => events.Writer.TryWrite("online"));
        client.SetOfflineCallback(() => events.Writer.TryWrite("offline"));
        client.SetReconnectingCallback(attempt => events.Writer.TryWrite($"reconnecting {attempt}"));
        client.SetAuthErrorCallback(e => events.Writer.TryWrite($"auth error {e.ReasonCode}"));

        await client.ConnectAsync(new ConnectParameters { Host = ClientHarness.Url(broker, transport) }, cts.Token);
        Assert.Equal("online", await NextAsync(events.Reader, cts.Token));

        await client.AbortConnectionAsync();
        Assert.Equal("offline", await NextAsync(events.Reader, cts.Token));
        Assert.Equal("reconnecting 1", await NextAsync(events.Reader, cts.Token));
        Assert.Equal("online", await NextAsync(events.Reader, cts.Token));
        Assert.True(client.IsConnected);

        // Clean session: the broker forgot the subscription with the old connection, so subscribe now.
        string topic = ClientHarness.Topic("reconnect");
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);
        byte[] payload = ClientHarness.Payload(1000);
        Assert.True((await client.PublishAsync(topic, payload, MqttQos.ExactlyOnce, cancellationToken: cts.Token)).IsSuccess);
        Assert.Equal(payload, (await client.ReceiveAsync()).Payload.ToArray());

        // A clean disconnect reports offline once and is not followed by a reconnect.
        await client.DisconnectAsync(cts.Token);
        Assert.Equal("offline", await NextAsync(events.Reader, cts.Token));
        Assert.False(client.IsConnected);
        await AssertNoEventAsync(events.Reader, TimeSpan.FromMilliseconds(600));
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task SocketLost_ReconnectDisabled_OfflineOnlyAndStaysDown()
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        var events = Channel.CreateUnbounded<string>();
        await using var client = new CloudSignalClient(ClientHarness.Options(broker, reconnectPeriod: TimeSpan.Zero));
        client.SetOnlineCallback(() => events.Writer.TryWrite("online"));
        client.SetOfflineCallback(() => events.Writer.TryWrite("offline"));
        client.SetReconnectingCallback(attempt => events.Writer.TryWrite($"reconnecting {attempt}"));

        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl }, cts.Token);
        Assert.Equal("online", await NextAsync(events.Reader, cts.Token));
        await client.AbortConnectionAsync();
        Assert.Equal("offline", await NextAsync(events.Reader, cts.Token));
        await AssertNoEventAsync(events.Reader, TimeSpan.FromMilliseconds(600));
        Assert.False(client.IsConnected);

        // ConnectAsync again brings it back by hand.
        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl }, cts.Token);
        Assert.Equal("online", await NextAsync(events.Reader, cts.Token));
        Assert.True(client.IsConnected);
    }

    private static async Task<string> NextAsync(ChannelReader<string> events, CancellationToken cancellationToken)
    {
        using var step = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        step.CancelAfter(ClientHarness.Step);
        return await events.ReadAsync(step.Token);
    }

    private static async Task AssertNoEventAsync(ChannelReader<string> events, TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            string unexpected = await events.ReadAsync(cts.Token);
            Assert.Fail($"Unexpected callback: {unexpected}");
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Quiet, as expected.
        }
    }
}
