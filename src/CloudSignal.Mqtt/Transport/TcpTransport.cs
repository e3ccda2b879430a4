using System.Net.Sockets;

namespace CloudSignal.Mqtt.Transport;

/// <summary>MQTT over plain TCP (<c>mqtt://</c>, <c>tcp://</c>; 5.0 §4.2).</summary>
internal sealed class TcpTransport : StreamTransport
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private TcpTransport(Socket socket, NetworkStream stream)
        : base(stream, zeroByteReads: true)
    {
        _socket = socket;
        _stream = stream;
    }

    /// <summary>Connects to the URL's host and port.</summary>
    /// <exception cref="IOException">The connection could not be made; the message names the endpoint.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async ValueTask<IMqttTransport> ConnectAsync(MqttUrl url, CancellationToken cancellationToken)
    {
        Socket socket = await ConnectSocketAsync(url.Host, url.Port, cancellationToken).ConfigureAwait(false);
        return new TcpTransport(socket, new NetworkStream(socket, ownsSocket: false));
    }

    /// <summary>
    /// Opens a TCP connection with Nagle off (MQTT packets are small and latency-bound). A name that
    /// resolves to several addresses is tried address by address, IPv6 and IPv4 alike.
    /// </summary>
    internal static async ValueTask<Socket> ConnectSocketAsync(string host, int port, CancellationToken cancellationToken)
    {
        // The dual-mode socket (IPv6 with IPv4-mapped addresses) reaches both address families.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            socket.Dispose();
            throw new IOException($"Could not connect to {host}:{port}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    protected override async ValueTask CloseConnectionAsync()
    {
        await ShutdownAndDrainAsync(_socket).ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
