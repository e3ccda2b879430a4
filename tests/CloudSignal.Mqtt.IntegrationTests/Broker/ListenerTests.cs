using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace CloudSignal.Mqtt.IntegrationTests.Broker;

/// <summary>The fixture's listeners, probed with sockets and hand-written MQTT bytes (no client library).</summary>
[Collection(MosquittoCollection.Name)]
public class ListenerTests(MosquittoFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EveryListener_TcpConnect_Accepted()
    {
        foreach (MosquittoListener listener in broker.Broker.Listeners)
        {
            using var cts = new CancellationTokenSource(Timeout);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, listener.Port), cts.Token);
            Assert.True(socket.Connected, listener.Name);
        }
    }

    [Fact] // BROKER-NOTES: a websockets listener binds every interface unless socket_domain ipv4 is set.
    public void EveryListener_ProcNetTcp_BoundToLoopbackOnly()
    {
        // /proc/net/tcp{,6}: "sl local_address rem_address st ..."; st 0A = LISTEN; 0100007F = 127.0.0.1.
        string[] rows = [.. File.ReadAllLines("/proc/net/tcp").Skip(1), .. File.ReadAllLines("/proc/net/tcp6").Skip(1)];
        foreach (MosquittoListener listener in broker.Broker.Listeners)
        {
            string port = listener.Port.ToString("X4", CultureInfo.InvariantCulture);
            string[] bound = [.. rows
                .Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f[3] == "0A" && f[1].EndsWith(":" + port, StringComparison.Ordinal))
                .Select(f => f[1])];
            Assert.Equal([$"0100007F:{port}"], bound);
        }
    }

    [Fact]
    public async Task TlsListener_RawConnectTrustingTestCa_ConnAckAccepted()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, broker.Broker.Port(MosquittoFixture.Tls), cts.Token);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, broker.Certificates.ValidateServerCertificate);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cts.Token);

        Assert.Equal(RawMqtt.ConnAckAccepted, await RawMqtt.ConnectAsync(tls, cts.Token));
    }

    [Fact] // The test CA is in no trust store: system trust alone must refuse (the "untrusted CA" case).
    public async Task TlsListener_SystemTrustOnly_HandshakeRejected()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, broker.Broker.Port(MosquittoFixture.Tls), cts.Token);
        await using var tls = new SslStream(tcp.GetStream());

        await Assert.ThrowsAsync<AuthenticationException>(() =>
            tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cts.Token));
    }

    [Theory] // mosquitto (libwebsockets) serves MQTT on any path; the subprotocol is "mqtt".
    [InlineData("/mqtt")]
    [InlineData("/")]
    [InlineData("/some/other/path")]
    public async Task WebSocketListener_RawConnect_ConnAckAccepted(string path)
    {
        using var ws = new ClientWebSocket();
        Assert.Equal(RawMqtt.ConnAckAccepted, await ConnectOverWebSocketAsync(ws, new Uri($"ws://127.0.0.1:{broker.Broker.Port(MosquittoFixture.Ws)}{path}")));
    }

    [Fact]
    public async Task SecureWebSocketListener_RawConnectTrustingTestCa_ConnAckAccepted()
    {
        using var ws = new ClientWebSocket();
        ws.Options.RemoteCertificateValidationCallback = broker.Certificates.ValidateServerCertificate;
        Assert.Equal(RawMqtt.ConnAckAccepted, await ConnectOverWebSocketAsync(ws, new Uri(broker.WssUrl)));
    }

    [Fact]
    public void Fixture_Startup_WithinStartTimeout()
    {
        output.WriteLine($"fixture set-up {broker.StartupTime.TotalMilliseconds:F0} ms, broker start {broker.Broker.LastStartDuration.TotalMilliseconds:F0} ms");
        Assert.InRange(broker.Broker.LastStartDuration, TimeSpan.Zero, broker.Broker.StartTimeout);
        Assert.True(broker.Broker.IsRunning);
    }

    [Fact]
    public void Urls_Formats_MatchListeners()
    {
        MosquittoInstance b = broker.Broker;
        Assert.Equal($"mqtt://127.0.0.1:{b.Port(MosquittoFixture.Tcp)}", broker.TcpUrl);
        Assert.Equal($"mqtts://localhost:{b.Port(MosquittoFixture.Tls)}", broker.TlsUrl);
        Assert.Equal($"ws://127.0.0.1:{b.Port(MosquittoFixture.Ws)}/mqtt", broker.WsUrl);
        Assert.Equal($"wss://localhost:{b.Port(MosquittoFixture.Wss)}/mqtt", broker.WssUrl);
        Assert.Equal($"mqtt://127.0.0.1:{b.Port(MosquittoFixture.Auth)}", broker.AuthUrl);
        Assert.Equal(5, b.Listeners.Select(l => l.Port).Distinct().Count());
        Assert.False(broker.CaCertificate.HasPrivateKey);
    }

    private static async Task<byte[]> ConnectOverWebSocketAsync(ClientWebSocket ws, Uri uri)
    {
        using var cts = new CancellationTokenSource(Timeout);
        ws.Options.AddSubProtocol("mqtt");
        await ws.ConnectAsync(uri, cts.Token);
        Assert.Equal("mqtt", ws.SubProtocol);
        await ws.SendAsync(RawMqtt.Connect, WebSocketMessageType.Binary, endOfMessage: true, cts.Token);

        // A CONNACK may in principle span frames: read until 4 bytes have arrived.
        byte[] reply = new byte[RawMqtt.ConnAckAccepted.Length];
        int filled = 0;
        while (filled < reply.Length)
        {
            ValueWebSocketReceiveResult result = await ws.ReceiveAsync(reply.AsMemory(filled), cts.Token);
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            filled += result.Count;
        }

        return reply;
    }
}
