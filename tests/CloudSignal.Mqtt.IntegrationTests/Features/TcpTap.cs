using System.Net;
using System.Net.Sockets;

namespace CloudSignal.Mqtt.IntegrationTests.Features;

/// <summary>
/// A loopback TCP relay between one client and the broker that records the bytes of both
/// directions, so a test can check what really went over the wire (topic aliases, CONNACK
/// properties) independently of the client under test. Bytes are recorded before they are
/// forwarded: whatever the far side has received is already in the record.
/// </summary>
internal sealed class TcpTap : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly MemoryStream _clientToBroker = new();
    private readonly MemoryStream _brokerToClient = new();
    private readonly int _brokerPort;
    private readonly Task _relay;

    public TcpTap(int brokerPort)
    {
        _brokerPort = brokerPort;
        _listener.Start();
        _relay = RelayOneConnectionAsync();
    }

    /// <summary>Connect the client here instead of to the broker.</summary>
    public string Url => $"mqtt://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public byte[] ClientToBroker => Snapshot(_clientToBroker);

    public byte[] BrokerToClient => Snapshot(_brokerToClient);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _relay.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException or TimeoutException)
        {
            // The relay ends by cancellation or by a socket closing under it.
        }

        _stop.Dispose();
    }

    private static byte[] Snapshot(MemoryStream record)
    {
        lock (record)
        {
            return record.ToArray();
        }
    }

    /// <summary>Only one connection: the tests that use a tap never reconnect.</summary>
    private async Task RelayOneConnectionAsync()
    {
        using Socket client = await _listener.AcceptSocketAsync(_stop.Token);
        using var broker = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        await broker.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _brokerPort), _stop.Token);
        await Task.WhenAll(
            PumpAsync(client, broker, _clientToBroker, _stop.Token),
            PumpAsync(broker, client, _brokerToClient, _stop.Token));
    }

    private static async Task PumpAsync(Socket from, Socket to, MemoryStream record, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                lock (record)
                {
                    record.Write(buffer, 0, read);
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Either side closed abruptly, or the tap is being disposed.
        }
    }
}
