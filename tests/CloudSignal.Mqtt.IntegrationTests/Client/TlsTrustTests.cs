using System.Security.Authentication;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// The fixture's TLS and WSS listeners use a CA made at test time. Without that CA in
/// <see cref="TlsOptions.CaCertificates"/> the connect fails, and the error says the certificate
/// was not trusted (not a bare handshake failure), for mqtts:// and wss:// alike.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class TlsTrustTests(MosquittoFixture broker)
{
    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [InlineData(MosquittoFixture.Tls, MqttProtocolVersion.V500)]
    [InlineData(MosquittoFixture.Tls, MqttProtocolVersion.V311)]
    [InlineData(MosquittoFixture.Wss, MqttProtocolVersion.V500)]
    public async Task UntrustedCa_Connect_FailsSayingNotTrusted(string transport, MqttProtocolVersion version)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        // Tls = null: system trust only, which does not include the fixture's test CA.
        await using var client = new CloudSignalClient(new CloudSignalOptions
        {
            ProtocolVersion = version,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectPeriod = TimeSpan.FromMilliseconds(200),
        });
        int online = 0;
        client.SetOnlineCallback(() => Interlocked.Increment(ref online));

        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(
            new ConnectParameters { Host = ClientHarness.Url(broker, transport) }, cts.Token));

        Assert.IsType<AuthenticationException>(e);
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
        Assert.Contains("TlsOptions.CaCertificates", e.Message, StringComparison.Ordinal);
        Assert.False(client.IsConnected);
        Assert.Equal(0, Volatile.Read(ref online));
    }

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [InlineData(MosquittoFixture.Tls)]
    [InlineData(MosquittoFixture.Wss)]
    public async Task FixtureCaTrusted_Connect_Succeeds(string transport)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        await using CloudSignalClient client = await ClientHarness.ConnectAsync(
            ClientHarness.Url(broker, transport), ClientHarness.Options(broker), cts.Token);
        Assert.True(client.IsConnected);
        await client.DisconnectAsync(cts.Token);
    }
}
