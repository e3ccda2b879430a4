using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// The connection's life beyond the happy path: keep alive driven by the client's timer, a broker
/// that goes away and comes back refusing the credentials, publishes made while reconnecting,
/// a server that never answers CONNECT, and disposal.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class LifecycleTests(MosquittoFixture broker)
{
    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task IdleConnection_KeepAliveOneSecond_ClientPingsAndStaysConnected()
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        string clientId = ClientHarness.ClientId("keepalive");
        long logOffset = broker.Broker.LogLength;
        int offline = 0;
        var options = new CloudSignalOptions { KeepAlive = TimeSpan.FromSeconds(1), ReconnectPeriod = TimeSpan.Zero, ConnectTimeout = TimeSpan.FromSeconds(5) };
        await using var client = new CloudSignalClient(options);
        client.SetOfflineCallback(() => Interlocked.Increment(ref offline));
        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl, ClientId = clientId }, cts.Token);

        // [MQTT-3.1.2-23]: with nothing else to send, the client sends PINGREQ within the keep
        // alive period; the broker answers each (§3.12.4). Two rounds prove the timer re-arms.
        await broker.Broker.WaitForLogAsync(logOffset, TimeSpan.FromSeconds(5),
            $"Received PINGREQ from {clientId}", $"Sending PINGRESP to {clientId}",
            $"Received PINGREQ from {clientId}", $"Sending PINGRESP to {clientId}");
        Assert.True(client.IsConnected);
        Assert.Equal(0, Volatile.Read(ref offline));
        await client.DisconnectAsync(cts.Token);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public async Task BrokerReturnsRequiringPasswords_Reconnect_AuthErrorOnceThenStops(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step * 2);
        MosquittoInstance instance = broker.StartInstance();
        int port = instance.Port(MosquittoFixture.Tcp);
        var events = Channel.CreateUnbounded<string>();
        await using var client = new CloudSignalClient(ClientHarness.Options(broker, version, reconnectPeriod: TimeSpan.FromMilliseconds(100)));
        client.SetOnlineCallback(() => events.Writer.TryWrite("online"));
        client.SetOfflineCallback(() => events.Writer.TryWrite("offline"));
        client.SetReconnectingCallback(_ => events.Writer.TryWrite("reconnecting"));
        client.SetAuthErrorCallback(e => events.Writer.TryWrite($"auth error {(byte)e.ReasonCode}"));

        // The anonymous instance takes any credentials; the password file does not know these.
        await client.ConnectAsync(new ConnectParameters { Host = $"mqtt://127.0.0.1:{port}", Username = "someone", Password = "stale" }, cts.Token);
        Assert.Equal("online", await events.Reader.ReadAsync(cts.Token));

        // Same port, now with allow_anonymous false and the fixture's password file.
        instance.Stop();
        await File.WriteAllTextAsync(instance.ConfigPath,
            MosquittoConfig.Global(instance.LogPath, persistenceDirectory: null)
            + MosquittoConfig.Listener("plain TCP, passwords required", port, "allow_anonymous false", $"password_file {broker.PasswordFile}"),
            cts.Token);
        instance.Start();

        Assert.Equal("offline", await events.Reader.ReadAsync(cts.Token));
        string next;
        do
        {
            // Attempts fail with "connection refused" while the broker is down, then one is refused by CONNACK.
            next = await events.Reader.ReadAsync(cts.Token);
        }
        while (next == "reconnecting");

        Assert.Equal(version == MqttProtocolVersion.V500 ? "auth error 135" : "auth error 5", next);
        // No reconnect loop after an authentication refusal (bounded absence check: 10 periods).
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => Assert.Fail($"Unexpected: {await events.Reader.ReadAsync(quiet.Token)}"));
        Assert.False(client.IsConnected);
        instance.Stop();
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task BrokerGone_MaxReconnectAttemptsThree_ThreeAttemptsThenStops()
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        MosquittoInstance instance = broker.StartInstance();
        var events = Channel.CreateUnbounded<string>();
        await using var client = new CloudSignalClient(new CloudSignalOptions
        {
            ReconnectPeriod = TimeSpan.FromMilliseconds(50),
            MaxReconnectAttempts = 3,
            ConnectTimeout = TimeSpan.FromSeconds(2),
        });
        client.SetOfflineCallback(() => events.Writer.TryWrite("offline"));
        client.SetReconnectingCallback(attempt => events.Writer.TryWrite($"reconnecting {attempt}"));
        await client.ConnectAsync(new ConnectParameters { Host = $"mqtt://127.0.0.1:{instance.Port(MosquittoFixture.Tcp)}" }, cts.Token);

        instance.Stop(); // every attempt now meets "connection refused"

        Assert.Equal("offline", await events.Reader.ReadAsync(cts.Token));
        Assert.Equal("reconnecting 1", await events.Reader.ReadAsync(cts.Token));
        Assert.Equal("reconnecting 2", await events.Reader.ReadAsync(cts.Token));
        Assert.Equal("reconnecting 3", await events.Reader.ReadAsync(cts.Token));
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)); // 10 periods
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => Assert.Fail($"Unexpected: {await events.Reader.ReadAsync(quiet.Token)}"));
        Assert.False(client.IsConnected);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task PublishWhileReconnecting_SentAfterReconnect_AndDelivered()
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        string topic = ClientHarness.Topic("offline-publish");
        await using CloudSignalClient observer = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), cts.Token);
        await observer.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);

        var offline = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new CloudSignalClient(ClientHarness.Options(broker, reconnectPeriod: TimeSpan.FromMilliseconds(300)));
        client.SetOfflineCallback(() => offline.TrySetResult());
        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl }, cts.Token);
        await client.AbortConnectionAsync();
        await offline.Task.WaitAsync(cts.Token);
        Assert.False(client.IsConnected);

        // API.md: while reconnecting, the message waits and is sent after the reconnect.
        byte[] payload = ClientHarness.Payload(500);
        PublishResult result = await client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, cancellationToken: cts.Token);
        Assert.True(result.IsSuccess);
        Assert.True(client.IsConnected);
        Assert.Equal(payload, (await observer.ReceiveAsync()).Payload.ToArray());
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task ServerNeverSendsConnAck_Connect_TimeoutExceptionAfterConnectTimeout()
    {
        // A TCP listener that accepts and then says nothing: no CONNACK ever comes.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        Task<TcpClient> accepted = silent.AcceptTcpClientAsync();

        await using var client = new CloudSignalClient(new CloudSignalOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500), ReconnectPeriod = TimeSpan.FromMilliseconds(100) });
        int reconnecting = 0;
        client.SetReconnectingCallback(_ => Interlocked.Increment(ref reconnecting));
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => client.ConnectAsync(new ConnectParameters { Host = $"mqtt://127.0.0.1:{port}" }));
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
        Assert.False(client.IsConnected);
        Assert.Equal(0, Volatile.Read(ref reconnecting)); // the first ConnectAsync reports; it does not loop
        using TcpClient server = await accepted.WaitAsync(ClientHarness.Step);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task ConnectCancelled_WhileAwaitingConnAck_ThrowsCanceledAndClientConnectsAfterwards()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var client = new CloudSignalClient(new CloudSignalOptions { ConnectTimeout = TimeSpan.FromSeconds(30), ReconnectPeriod = TimeSpan.Zero });
        _ = client.Messages;

        using (var cancel = new CancellationTokenSource())
        {
            Task connect = client.ConnectAsync(new ConnectParameters { Host = $"mqtt://127.0.0.1:{port}" }, cancel.Token);
            using TcpClient server = await silent.AcceptTcpClientAsync().WaitAsync(ClientHarness.Step);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.WaitAsync(ClientHarness.Step));
        }

        Assert.False(client.IsConnected);

        // The same client then connects to a real broker and works.
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        await client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl }, cts.Token);
        string topic = ClientHarness.Topic("after-cancel");
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);
        await client.PublishAsync(topic, "x"u8.ToArray(), MqttQos.AtLeastOnce, cancellationToken: cts.Token);
        Assert.Equal("x"u8.ToArray(), (await client.ReceiveAsync()).Payload.ToArray());
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [InlineData("mqtt", true)]   // CONNECT received by the server: the session awaits CONNACK
    [InlineData("mqtts", false)] // the TLS handshake never gets an answer: the transport is still opening
    public async Task DisconnectAsync_WhileConnectInProgress_ConnectCanceledAndNoReconnect(string scheme, bool waitForConnectPacket)
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var client = new CloudSignalClient(new CloudSignalOptions { ConnectTimeout = TimeSpan.FromSeconds(30), ReconnectPeriod = TimeSpan.FromMilliseconds(100) });
        int reconnecting = 0;
        client.SetReconnectingCallback(_ => Interlocked.Increment(ref reconnecting));

        Task connect = client.ConnectAsync(new ConnectParameters { Host = $"{scheme}://127.0.0.1:{port}" });
        using TcpClient server = await silent.AcceptTcpClientAsync().WaitAsync(ClientHarness.Step);
        if (waitForConnectPacket)
        {
            byte[] first = new byte[1];
            await server.GetStream().ReadExactlyAsync(first).AsTask().WaitAsync(ClientHarness.Step);
            Assert.Equal(0x10, first[0]); // CONNECT
        }

        await client.DisconnectAsync().WaitAsync(ClientHarness.Step);

        // Before the fix, a DisconnectAsync during the transport stage was ignored and the attempt
        // went on (against a real broker it would have connected after DisconnectAsync returned).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.WaitAsync(ClientHarness.Step));
        Assert.False(client.IsConnected);
        Assert.Equal(0, Volatile.Read(ref reconnecting));
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task DisconnectAsync_RightAfterConnectStarts_EndsDisconnected()
    {
        var online = 0;
        await using var client = new CloudSignalClient(ClientHarness.Options(broker, reconnectPeriod: TimeSpan.FromMilliseconds(100)));
        client.SetOnlineCallback(() => Interlocked.Increment(ref online));

        Task connect = client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl });
        await client.DisconnectAsync().WaitAsync(ClientHarness.Step);
        try
        {
            await connect.WaitAsync(ClientHarness.Step);
        }
        catch (OperationCanceledException)
        {
            // Stopped before CONNACK: expected unless the CONNACK won the race.
        }

        // Whichever stage the DisconnectAsync met, the client ends disconnected, with nothing pending.
        Assert.False(client.IsConnected);
        Assert.InRange(Volatile.Read(ref online), 0, 1);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task Dispose_WhileConnected_ClosesCleanlyAndCompletesMessages()
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        string clientId = ClientHarness.ClientId("dispose");
        long logOffset = broker.Broker.LogLength;
        CloudSignalClient client = await ClientHarness.ConnectAsync(broker.TcpUrl, ClientHarness.Options(broker), cts.Token, clientId);
        await client.DisposeAsync();

        // DISCONNECT was sent (a clean close, no will), Messages completes, and calls fail clearly.
        await broker.Broker.WaitForLogAsync(logOffset, ClientHarness.Step, $"Received DISCONNECT from {clientId}");
        Assert.False(await client.Messages.WaitToReadAsync(cts.Token));
        Assert.False(client.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.PublishAsync("t", ReadOnlyMemory<byte>.Empty));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ConnectAsync(new ConnectParameters { Host = broker.TcpUrl }));
        await client.DisposeAsync(); // twice is harmless
    }
}
