using System.Net;
using System.Net.Sockets;
using CloudSignal.Mqtt.Transport;
using static CloudSignal.Mqtt.Tests.Transport.TransportTestKit;

namespace CloudSignal.Mqtt.Tests.Transport;

/// <summary>TCP transport against a loopback listener (5.0 §4.2, 3.1.1 §4.2).</summary>
public class TcpTransportTests
{
    [Fact]
    public async Task EchoServer_PacketsWrittenInOneBatch_ComeBackIntact()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        byte[][] packets = SamplePackets();
        byte[] expected = Concat(packets);
        Task server = EchoOnceAsync(listener, expected.Length, cts.Token);

        await using (IMqttTransport transport = await ConnectAsync($"mqtt://127.0.0.1:{listener.Port()}", null, cts.Token))
        {
            await WriteBatchAsync(transport.Output, cts.Token, packets);
            Assert.Equal(expected, await ReadExactlyAsync(transport.Input, expected.Length, cts.Token));
        }

        await server; // it saw our FIN after the echo
    }

    [Fact]
    public async Task LargePacket_WrittenAndEchoed_ArrivesIntact()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        byte[] packet = LargePacket(1024 * 1024);
        Task server = EchoOnceAsync(listener, packet.Length, cts.Token);

        await using (IMqttTransport transport = await ConnectAsync($"tcp://127.0.0.1:{listener.Port()}", null, cts.Token))
        {
            Task<byte[]> echoed = ReadExactlyAsync(transport.Input, packet.Length, cts.Token);
            await WriteBatchAsync(transport.Output, cts.Token, packet);
            Assert.Equal(packet, await echoed);
        }

        await server;
    }

    [Fact]
    public async Task Connected_Socket_HasNagleOff()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<Socket> accept = listener.AcceptSocketAsync(cts.Token).AsTask();

        Socket socket = await TcpTransport.ConnectSocketAsync("127.0.0.1", listener.Port(), cts.Token);
        using Socket accepted = await accept;

        Assert.True(socket.NoDelay);
        socket.Dispose();
    }

    [Fact]
    public async Task ServerClosesCleanly_Read_CompletesWithRemainingBytes()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        byte[] last = SamplePackets()[0];
        Task server = Task.Run(
            async () =>
            {
                using Socket peer = await listener.AcceptSocketAsync(cts.Token);
                await peer.SendAsync(last, SocketFlags.None, cts.Token);
                peer.Shutdown(SocketShutdown.Both);
            },
            cts.Token);

        await using IMqttTransport transport = await ConnectAsync($"mqtt://127.0.0.1:{listener.Port()}", null, cts.Token);

        Assert.Equal(last, await ReadToEndAsync(transport.Input, cts.Token));
        await server;
    }

    [Fact]
    public async Task ServerResets_ReadAndFlush_ThrowIOException()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        await using IMqttTransport transport = await ConnectAsync($"mqtt://127.0.0.1:{listener.Port()}", null, cts.Token);
        Socket peer = await listener.AcceptSocketAsync(cts.Token);
        peer.LingerState = new LingerOption(enable: true, seconds: 0); // close sends RST
        peer.Dispose();

        await Assert.ThrowsAsync<IOException>(() => ReadToEndAsync(transport.Input, cts.Token));
        await Assert.ThrowsAsync<IOException>(() => WriteBatchAsync(transport.Output, cts.Token, SamplePackets()));
    }

    [Fact] // [MQTT-3.14.4-1] the client closes after DISCONNECT: flushed bytes must all arrive, then EOF
    public async Task FlushedThenDisposed_WithUnreadIncomingData_ServerGetsEveryByteThenEof()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        byte[] outgoing = Pattern(256 * 1024);
        Task<byte[]> server = Task.Run(
            async () =>
            {
                using Socket peer = await listener.AcceptSocketAsync(cts.Token);
                await using var stream = new NetworkStream(peer);

                // Data the client never reads: closing over it without draining would send a reset.
                await stream.WriteAsync(Pattern(64 * 1024), cts.Token);
                byte[] received = await ReadStreamToEndAsync(stream, cts.Token);
                peer.Shutdown(SocketShutdown.Send);
                return received;
            },
            cts.Token);

        IMqttTransport transport = await ConnectAsync($"mqtt://127.0.0.1:{listener.Port()}", null, cts.Token);
        await WriteBatchAsync(transport.Output, cts.Token, outgoing);
        await transport.DisposeAsync();

        Assert.Equal(outgoing, await server);
    }

    [Fact] // the wait for the server's FIN is bounded: a server that never closes cannot hold DisposeAsync
    public async Task ServerNeverCloses_Dispose_ReturnsAfterBoundedWait()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();

        IMqttTransport transport = await ConnectAsync($"mqtt://127.0.0.1:{listener.Port()}", null, cts.Token);
        using Socket peer = await listener.AcceptSocketAsync(cts.Token);

        await transport.DisposeAsync().AsTask().WaitAsync(StreamTransport.CloseTimeout * 4, cts.Token);
        Assert.Equal(0, await peer.ReceiveAsync(new byte[1], SocketFlags.None, cts.Token)); // our FIN
    }

    [Fact] // a read loop still waiting when the transport is disposed ends instead of hanging
    public async Task ReadPending_Dispose_ReadEnds()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task server = EchoOnceAsync(listener, 0, cts.Token);

        IMqttTransport transport = await ConnectAsync($"mqtt://127.0.0.1:{listener.Port()}", null, cts.Token);
        Task<byte[]> pending = ReadToEndAsync(transport.Input, cts.Token);
        await transport.DisposeAsync();

        await AssertReadEndedAsync(pending);
        await server;
    }

    [Fact]
    public async Task Disposed_Twice_Harmless()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task server = EchoOnceAsync(listener, 0, cts.Token);

        IMqttTransport transport = await ConnectAsync($"mqtt://127.0.0.1:{listener.Port()}", null, cts.Token);
        await transport.DisposeAsync();
        await transport.DisposeAsync();
        await server;
    }

    [Fact]
    public async Task NothingListening_Connect_IOExceptionNamingTheEndpoint()
    {
        using CancellationTokenSource cts = TimeoutSource();
        int port;
        using (TcpListener closed = Listen())
        {
            port = closed.Port();
        }

        IOException e = await Assert.ThrowsAsync<IOException>(async () => await ConnectAsync($"mqtt://127.0.0.1:{port}", null, cts.Token));

        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
        Assert.IsType<SocketException>(e.InnerException);
    }

    [Fact]
    public async Task CancelledToken_Connect_OperationCanceled()
    {
        using TcpListener listener = Listen();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await ConnectAsync($"mqtt://127.0.0.1:{listener.Port()}", null, cancelled.Token));
    }

    [Fact]
    public async Task Ipv6Loopback_Connect_RoundTrip()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return;
        }

        using CancellationTokenSource cts = TimeoutSource();
        using var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        try
        {
            listener.Start();
        }
        catch (SocketException)
        {
            return; // IPv6 present but loopback not configured (some containers)
        }

        byte[] packet = SamplePackets()[1];
        Task server = EchoOnceAsync(listener, packet.Length, cts.Token);

        await using (IMqttTransport transport = await ConnectAsync($"mqtt://[::1]:{listener.Port()}", null, cts.Token))
        {
            await WriteBatchAsync(transport.Output, cts.Token, packet);
            Assert.Equal(packet, await ReadExactlyAsync(transport.Input, packet.Length, cts.Token));
        }

        await server;
    }

    /// <summary>Accepts one connection, echoes <paramref name="count"/> bytes, then reads to EOF and closes.</summary>
    internal static Task EchoOnceAsync(TcpListener listener, int count, CancellationToken cancellationToken) =>
        Task.Run(
            async () =>
            {
                using Socket peer = await listener.AcceptSocketAsync(cancellationToken);
                await using var stream = new NetworkStream(peer);
                byte[] bytes = await ReadStreamExactlyAsync(stream, count, cancellationToken);
                await stream.WriteAsync(bytes, cancellationToken);
                await ReadStreamToEndAsync(stream, cancellationToken);
                peer.Shutdown(SocketShutdown.Send);
            },
            cancellationToken);
}
