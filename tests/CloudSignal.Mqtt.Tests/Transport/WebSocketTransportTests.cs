using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Text;
using CloudSignal.Mqtt.Transport;
using static CloudSignal.Mqtt.Tests.Transport.TransportTestKit;

namespace CloudSignal.Mqtt.Tests.Transport;

/// <summary>WebSocket transport against an in-test RFC 6455 server (5.0 §6, 3.1.1 §6).</summary>
public class WebSocketTransportTests
{
    [Theory] // [MQTT-6.0.0-3] the client offers "mqtt"; the path comes from the URL, /mqtt when none
    [InlineData("", "/mqtt")]
    [InlineData("/", "/")]
    [InlineData("/brokers/ws?tenant=a1", "/brokers/ws?tenant=a1")]
    public async Task Upgrade_Request_OffersMqttSubprotocolOnUrlPath(string path, string expectedPath)
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}{path}", null, cts.Token);
        await using WebSocketTestServer server = await accept;

        Assert.Equal(expectedPath, server.Request.Path);
        Assert.Equal(["mqtt"], server.Request.SubProtocols);
        Assert.Equal($"127.0.0.1:{listener.Port()}", server.Request.Host);
    }

    [Fact] // [MQTT-6.0.0-1] binary frames; one flush of three packets is one message
    public async Task ThreePacketsInOneFlush_Server_ReceivesOneBinaryMessageIntact()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);
        byte[][] packets = SamplePackets();
        byte[] expected = Concat(packets);

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        await WriteBatchAsync(transport.Output, cts.Token, packets);

        (byte[] bytes, int messages) = await server.ReceiveAsync(expected.Length, cts.Token);
        Assert.Equal(expected, bytes);
        Assert.Equal(1, messages);
    }

    [Fact] // [MQTT-6.0.0-2] a packet may span messages: the server reassembles the same bytes
    public async Task OnePacketInThreeFlushes_Server_ReceivesThreeMessagesFormingThePacket()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);
        byte[] packet = SamplePackets()[0];

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        await WriteBatchAsync(transport.Output, cts.Token, packet[..2]);
        await WriteBatchAsync(transport.Output, cts.Token, packet[2..7]);
        await WriteBatchAsync(transport.Output, cts.Token, packet[7..]);

        (byte[] bytes, int messages) = await server.ReceiveAsync(packet.Length, cts.Token);
        Assert.Equal(packet, bytes);
        Assert.Equal(3, messages);
    }

    [Fact] // [MQTT-6.0.0-2] one frame holding three packets reads as the three packets' bytes
    public async Task ThreePacketsInOneFrame_Input_YieldsAllBytes()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);
        byte[] expected = Concat(SamplePackets());

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        await server.SendMessageAsync(cts.Token, expected);

        Assert.Equal(expected, await ReadExactlyAsync(transport.Input, expected.Length, cts.Token));
    }

    [Fact] // [MQTT-6.0.0-2] a packet split over three frames of one message, then over three messages
    public async Task OnePacketSplitOverThreeFrames_Input_YieldsThePacket()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);
        byte[] packet = SamplePackets()[2];

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        await server.SendMessageAsync(cts.Token, packet[..1], packet[1..100], packet[100..]); // continuation frames
        await server.SendMessageAsync(cts.Token, packet[..3]);
        await server.SendMessageAsync(cts.Token, []); // an empty frame in between changes nothing
        await server.SendMessageAsync(cts.Token, packet[3..50]);
        await server.SendMessageAsync(cts.Token, packet[50..]);

        Assert.Equal(packet, await ReadExactlyAsync(transport.Input, packet.Length, cts.Token));
        Assert.Equal(packet, await ReadExactlyAsync(transport.Input, packet.Length, cts.Token));
    }

    [Fact]
    public async Task OneMebibytePacket_BothWays_ArrivesIntact()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);
        byte[] packet = LargePacket(1024 * 1024);

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        Task<(byte[] Bytes, int Messages)> serverReceive = server.ReceiveAsync(packet.Length, cts.Token);
        await WriteBatchAsync(transport.Output, cts.Token, packet);
        Assert.Equal(packet, (await serverReceive).Bytes);

        Task send = server.SendMessageAsync(cts.Token, packet[..70_000], packet[70_000..]);
        Assert.Equal(packet, await ReadExactlyAsync(transport.Input, packet.Length, cts.Token));
        await send;
    }

    [Fact]
    public async Task ServerSendsCloseFrame_Read_Completes()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);
        byte[] last = SamplePackets()[1];

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        await server.SendMessageAsync(cts.Token, last);
        await server.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);

        Assert.Equal(last, await ReadToEndAsync(transport.Input, cts.Token));
    }

    [Fact] // [MQTT-6.0.0-1] a text frame closes the connection
    public async Task ServerSendsTextFrame_Read_IOExceptionCitingTheRule()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        await server.Socket.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, endOfMessage: true, cts.Token);

        IOException e = await Assert.ThrowsAsync<IOException>(() => ReadToEndAsync(transport.Input, cts.Token));
        Assert.Contains("MQTT-6.0.0-1", e.Message, StringComparison.Ordinal);
    }

    [Fact] // the TCP connection under the WebSocket is reset: reads and flushes fail with IOException
    public async Task ServerDropsConnection_ReadAndFlush_ThrowIOException()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        server.Reset();

        await Assert.ThrowsAsync<IOException>(() => ReadToEndAsync(transport.Input, cts.Token));
        await Assert.ThrowsAsync<IOException>(() => WriteBatchAsync(transport.Output, cts.Token, SamplePackets()));
    }

    [Fact]
    public async Task Disposed_Server_GetsNormalCloseFrame()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);
        byte[] packet = SamplePackets()[1];

        IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        await WriteBatchAsync(transport.Output, cts.Token, packet);
        Task<(byte[] Bytes, int Messages)> received = server.ReceiveAsync(packet.Length, cts.Token);
        Assert.Equal(packet, (await received).Bytes);
        Task<WebSocketCloseStatus?> close = server.ExpectCloseAsync(cts.Token);
        await transport.DisposeAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await close);
        await transport.DisposeAsync();
    }

    [Fact] // a read loop still waiting when the transport is disposed sees the close handshake end it
    public async Task ReadPending_Dispose_ReadCompletesAndServerGetsClose()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);

        IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        Task<byte[]> pending = ReadToEndAsync(transport.Input, cts.Token);
        Task<WebSocketCloseStatus?> close = server.ExpectCloseAsync(cts.Token);
        await transport.DisposeAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await close);
        Assert.Empty(await pending);
    }

    [Fact] // the close handshake is bounded: a server that never answers cannot hold DisposeAsync
    public async Task ServerNeverAnswersClose_DisposeWithReadPending_ReturnsAfterBoundedWait()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token);

        IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;

        Task<byte[]> pending = ReadToEndAsync(transport.Input, cts.Token);
        await transport.DisposeAsync().AsTask().WaitAsync(StreamTransport.CloseTimeout * 4, cts.Token);
        await AssertReadEndedAsync(pending);
    }

    [Fact] // [MQTT-6.0.0-4] binds the server; a server naming no subprotocol is still usable
    public async Task ServerSelectsNoSubprotocol_Connect_Tolerated()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token, selectedSubProtocol: null);
        byte[] packet = SamplePackets()[1];

        await using IMqttTransport transport = await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token);
        await using WebSocketTestServer server = await accept;
        await server.SendMessageAsync(cts.Token, packet);

        Assert.Equal(packet, await ReadExactlyAsync(transport.Input, packet.Length, cts.Token));
    }

    [Fact]
    public async Task ServerSelectsOtherSubprotocol_Connect_IOException()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token, selectedSubProtocol: "chat");

        IOException e = await Assert.ThrowsAsync<IOException>(async () => await ConnectAsync($"ws://127.0.0.1:{listener.Port()}", null, cts.Token));

        Assert.Contains($"ws://127.0.0.1:{listener.Port()}/mqtt", e.Message, StringComparison.Ordinal);
        await using WebSocketTestServer server = await accept;
    }

    [Fact]
    public async Task UpgradeRefused_Connect_IOExceptionWithStatus()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task server = Task.Run(
            async () =>
            {
                using Socket peer = await listener.AcceptSocketAsync(cts.Token);
                await peer.SendAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), SocketFlags.None, cts.Token);
                peer.Shutdown(SocketShutdown.Send);
            },
            cts.Token);

        IOException e = await Assert.ThrowsAsync<IOException>(async () => await ConnectAsync($"ws://127.0.0.1:{listener.Port()}/wrong", null, cts.Token));

        Assert.Contains($"WebSocket connection to ws://127.0.0.1:{listener.Port()}/wrong failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("404", e.Message, StringComparison.Ordinal);
        await server;
    }

    [Fact]
    public async Task Wss_CaTrustedViaOptions_RoundTrip()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token, TestCertificates.Localhost);
        byte[][] packets = SamplePackets();
        byte[] expected = Concat(packets);
        var tls = new TlsOptions { CaCertificates = TestCertificates.CaCollection(TestCertificates.Ca) };

        await using IMqttTransport transport = await ConnectAsync($"wss://localhost:{listener.Port()}/", tls, cts.Token);
        await using WebSocketTestServer server = await accept;
        await WriteBatchAsync(transport.Output, cts.Token, packets);
        Assert.Equal(expected, (await server.ReceiveAsync(expected.Length, cts.Token)).Bytes);
        await server.SendMessageAsync(cts.Token, expected[..5], expected[5..]);
        Assert.Equal(expected, await ReadExactlyAsync(transport.Input, expected.Length, cts.Token));
        Assert.Equal("/", server.Request.Path);
    }

    [Fact]
    public async Task Wss_SystemTrustOnly_AuthenticationExceptionSaysNotTrusted()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token, TestCertificates.Localhost);

        AuthenticationException e = await Assert.ThrowsAsync<AuthenticationException>(
            async () => await ConnectAsync($"wss://127.0.0.1:{listener.Port()}", null, cts.Token));

        Assert.Contains("was not trusted", e.Message, StringComparison.Ordinal);
        Assert.Contains("TlsOptions.CaCertificates", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => accept);
    }

    [Fact]
    public async Task Wss_CertificateForAnotherName_AuthenticationExceptionSaysMismatch()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token, TestCertificates.OtherName);
        var tls = new TlsOptions { CaCertificates = TestCertificates.CaCollection(TestCertificates.Ca) };

        AuthenticationException e = await Assert.ThrowsAsync<AuthenticationException>(
            async () => await ConnectAsync($"wss://127.0.0.1:{listener.Port()}", tls, cts.Token));

        Assert.Contains("did not match the name '127.0.0.1'", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<Exception>(() => accept);
    }

    [Fact]
    public async Task Wss_ServerNameOverride_UsedForCertificateAndHostHeader()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<WebSocketTestServer> accept = WebSocketTestServer.AcceptAsync(listener, cts.Token, TestCertificates.OtherName);
        var tls = new TlsOptions { CaCertificates = TestCertificates.CaCollection(TestCertificates.Ca), ServerName = "other.example" };

        await using IMqttTransport transport = await ConnectAsync($"wss://127.0.0.1:{listener.Port()}/mqtt", tls, cts.Token);
        await using WebSocketTestServer server = await accept;

        Assert.Equal($"other.example:{listener.Port()}", server.Request.Host);
    }
}
