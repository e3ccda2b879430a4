using System.Security.Cryptography;
using System.Threading.Channels;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// Shared pieces of the CloudSignalClient integration tests: unique topics and client ids,
/// connecting to a fixture listener, bounded waits on <see cref="CloudSignalClient.Messages"/>.
/// Every wait takes a token (a few seconds); nothing sleeps to synchronise.
/// </summary>
internal static class ClientHarness
{
    /// <summary>Upper bound of any single wait on the broker (a healthy one answers in milliseconds).</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>Backstop for a whole test, in milliseconds, for <c>[Fact(Timeout = ...)]</c>.</summary>
    public const int TestTimeoutMs = 60_000;

    public static string Topic(string area) => $"it/{area}/{Guid.NewGuid():N}";

    public static string ClientId(string area) => $"it-{area}-{Guid.NewGuid():N}";

    /// <summary>The fixture's URL for a transport name (<see cref="MosquittoFixture.Tcp"/> …).</summary>
    public static string Url(MosquittoFixture broker, string transport) => transport switch
    {
        MosquittoFixture.Tcp => broker.TcpUrl,
        MosquittoFixture.Tls => broker.TlsUrl,
        MosquittoFixture.Ws => broker.WsUrl,
        MosquittoFixture.Wss => broker.WssUrl,
        MosquittoFixture.Auth => broker.AuthUrl,
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "unknown listener"),
    };

    /// <summary>TLS options trusting the fixture's test CA (ignored by plain TCP and ws://).</summary>
    public static TlsOptions TrustFixtureCa(MosquittoFixture broker) => new() { CaCertificates = [broker.CaCertificate] };

    /// <summary>Options for tests: short connect timeout, no auto-reconnect unless asked.</summary>
    public static CloudSignalOptions Options(
        MosquittoFixture broker,
        MqttProtocolVersion version = MqttProtocolVersion.V500,
        TimeSpan? reconnectPeriod = null) => new()
        {
            ProtocolVersion = version,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ReconnectPeriod = reconnectPeriod ?? TimeSpan.Zero,
            Tls = TrustFixtureCa(broker),
        };

    /// <summary>Creates a client, connects it to <paramref name="url"/>, and returns it (dispose it).</summary>
    public static async Task<CloudSignalClient> ConnectAsync(
        string url,
        CloudSignalOptions options,
        CancellationToken cancellationToken,
        string? clientId = null,
        string? username = null,
        string? password = null)
    {
        var client = new CloudSignalClient(options);
        // Messages collects only once read; read it before CONNACK so nothing queued for a
        // resumed session goes to the callback alone.
        _ = client.Messages;
        try
        {
            await client.ConnectAsync(
                new ConnectParameters { Host = url, ClientId = clientId, Username = username, Password = password },
                cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next message from <see cref="CloudSignalClient.Messages"/>, or a TimeoutException after <paramref name="timeout"/>.</summary>
    public static async Task<MqttMessage> ReceiveAsync(this CloudSignalClient client, TimeSpan? timeout = null, string? what = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Step);
        try
        {
            return await client.Messages.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No message{(what is null ? "" : " (" + what + ")")} within {(timeout ?? Step).TotalSeconds} s; connected: {client.IsConnected}.");
        }
    }

    /// <summary>Waits <paramref name="window"/> and asserts that no message arrived meanwhile (proof of absence).</summary>
    public static async Task AssertNoMessageAsync(ChannelReader<MqttMessage> messages, TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            MqttMessage unexpected = await messages.ReadAsync(cts.Token);
            Assert.Fail($"Unexpected message on '{unexpected.Topic}' ({unexpected.Payload.Length} bytes).");
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Nothing arrived: the expected outcome.
        }
    }

    /// <summary>Random bytes (every byte value likely), so a payload that is shifted or truncated cannot match.</summary>
    public static byte[] Payload(int length) => RandomNumberGenerator.GetBytes(length);
}
