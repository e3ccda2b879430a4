using System.Net;
using System.Net.Sockets;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// Works around a pacing quirk of mosquitto 2.0.11's WebSocket listeners: a large packet is sent
/// to a WebSocket subscriber in ~4 KiB pieces, one per turn of the broker's event loop, and an
/// idle loop turns only every ~100 ms, so 1 MiB takes ~26 s (64 KiB ~1.5 s). Measured on this
/// machine with a hand-written Python WebSocket client as well, so it is not our client. Any
/// socket activity turns the loop; this raw 3.1.1 connection to the plain TCP listener sends
/// PINGREQ every couple of milliseconds while a WebSocket test runs (1 MiB then takes ~0.6 s).
/// It paces the broker only; the tests never use it to synchronise.
/// </summary>
internal sealed class BrokerWaker : IAsyncDisposable
{
    private static readonly byte[] PingReq = [0xC0, 0x00]; // PINGREQ, 3.1.1 §3.12
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(2);

    private readonly TcpClient _tcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private BrokerWaker(TcpClient tcp)
    {
        _tcp = tcp;
        _loop = Task.Run(() => PingLoopAsync(tcp.GetStream(), _stop.Token));
    }

    public static async Task<BrokerWaker> StartAsync(MosquittoFixture broker, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, broker.Broker.Port(MosquittoFixture.Tcp), cancellationToken);
            Assert.Equal(RawMqtt.ConnAckAccepted, await RawMqtt.ConnectAsync(tcp.GetStream(), cancellationToken));
            return new BrokerWaker(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _tcp.Dispose();
        _stop.Dispose();
    }

    private static async Task PingLoopAsync(NetworkStream stream, CancellationToken stop)
    {
        byte[] reply = new byte[2];
        while (!stop.IsCancellationRequested)
        {
            await stream.WriteAsync(PingReq, stop);
            await stream.ReadExactlyAsync(reply, stop); // PINGRESP 0xD0 0x00
            await Task.Delay(Interval, stop);
        }
    }
}
