using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// The username/password listener (<c>allow_anonymous false</c>): refusals surface as
/// <see cref="MqttConnectException"/> with the broker's code, the auth-error callback, and no
/// reconnect loop; the CloudSignal-style username is accepted; the CloudSignal username check
/// runs before any network I/O.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class AuthenticationTests(MosquittoFixture broker)
{
    public static TheoryData<MqttProtocolVersion> Versions => new() { MqttProtocolVersion.V311, MqttProtocolVersion.V500 };

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task WrongPassword_Connect_RefusedWithCodeAuthErrorOnceAndNoReconnect(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        // Auto-reconnect on, short period: a reconnect loop would show within the window below.
        await using var client = new CloudSignalClient(ClientHarness.Options(broker, version, reconnectPeriod: TimeSpan.FromMilliseconds(200)));
        var authErrors = new List<MqttConnectException>();
        int reconnecting = 0;
        int online = 0;
        client.SetAuthErrorCallback(e => { lock (authErrors) { authErrors.Add(e); } });
        client.SetReconnectingCallback(_ => Interlocked.Increment(ref reconnecting));
        client.SetOnlineCallback(() => Interlocked.Increment(ref online));

        var refused = await Assert.ThrowsAsync<MqttConnectException>(() => client.ConnectAsync(
            new ConnectParameters { Host = broker.AuthUrl, Username = broker.Username, Password = broker.Password + "-wrong" },
            cts.Token));

        // mosquitto 2.0.11 answers a wrong password with 3.1.1 return code 5 "not authorized"
        // (§3.2.2.3) and 5.0 reason code 0x87 Not authorized (§3.2.2.2), not 4 / 0x86.
        MqttReasonCode expected = version == MqttProtocolVersion.V500 ? MqttReasonCode.NotAuthorized : (MqttReasonCode)5;
        Assert.Equal(expected, refused.ReasonCode);
        Assert.True(refused.IsAuthenticationFailure);
        Assert.False(client.IsConnected);

        // Bounded absence check: no reconnect attempt, no second auth error.
        await Task.Delay(TimeSpan.FromSeconds(1.5), cts.Token);
        Assert.Equal(0, Volatile.Read(ref reconnecting));
        Assert.Equal(0, Volatile.Read(ref online));
        lock (authErrors)
        {
            MqttConnectException reported = Assert.Single(authErrors);
            Assert.Same(refused, reported);
        }
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(Versions))]
    public async Task CloudSignalUsername_RightPassword_AcceptedAndWorks(MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        Assert.Equal("agent-001@a1b2c3d4-e5f6-7890-abcd-ef1234567890", broker.Username);
        await using CloudSignalClient client = await ClientHarness.ConnectAsync(
            broker.AuthUrl, ClientHarness.Options(broker, version), cts.Token, username: broker.Username, password: broker.Password);
        Assert.True(client.IsConnected);

        string topic = ClientHarness.Topic("auth");
        await client.SubscribeAsync(topic, MqttQos.AtLeastOnce, cts.Token);
        byte[] payload = ClientHarness.Payload(32);
        await client.PublishAsync(topic, payload, MqttQos.AtLeastOnce, cancellationToken: cts.Token);
        Assert.Equal(payload, (await client.ReceiveAsync()).Payload.ToArray());
        await client.DisconnectAsync(cts.Token);
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [InlineData("mqtts://connect.cloudsignal.app:8883", "agent-001")]
    [InlineData("wss://connect.cloudsignal.app/mqtt", "agent-001@not-a-uuid")]
    [InlineData("mqtts://cloudsignal.app", null)]
    public async Task CloudSignalHost_BadUsername_ArgumentExceptionBeforeAnyIo(string host, string? username)
    {
        await using var client = new CloudSignalClient(new CloudSignalOptions { ConnectTimeout = TimeSpan.FromSeconds(2) });
        int authErrors = 0;
        client.SetAuthErrorCallback(_ => authErrors++);

        Task connect = client.ConnectAsync(new ConnectParameters { Host = host, Username = username, Password = "secret" });

        // Already faulted when the call returns: the check ran before the first await, so no DNS
        // lookup or socket was attempted (this machine has no route to cloudsignal.app anyway).
        Assert.True(connect.IsFaulted, "the username check must fail before any network I/O");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => connect);
        Assert.Contains("@{organization_uuid}", e.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
        Assert.Equal(0, authErrors);
    }
}
