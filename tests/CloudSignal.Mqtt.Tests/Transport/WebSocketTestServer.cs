using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudSignal.Mqtt.Tests.Transport;

/// <summary>The opening handshake the in-test WebSocket server received.</summary>
internal sealed record WebSocketRequest(string Path, string? Host, IReadOnlyList<string> SubProtocols);

/// <summary>
/// A one-connection WebSocket server for tests: a loopback socket, optionally TLS, a hand-written
/// RFC 6455 §4.2 opening handshake, then <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/>.
/// No HTTP server package and no URL reservation needed, and it works for ws:// and wss:// alike.
/// </summary>
internal sealed class WebSocketTestServer : IAsyncDisposable
{
    private const string HandshakeGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455 §1.3

    private readonly Socket _peer;
    private readonly Stream _stream;

    private WebSocketTestServer(Socket peer, Stream stream, WebSocket socket, WebSocketRequest request)
    {
        _peer = peer;
        _stream = stream;
        Socket = socket;
        Request = request;
    }

    public WebSocket Socket { get; }

    public WebSocketRequest Request { get; }

    /// <summary>
    /// Accepts one connection and answers its upgrade. <paramref name="selectedSubProtocol"/> is
    /// echoed back (null: none); <paramref name="certificate"/> turns on TLS.
    /// </summary>
    public static async Task<WebSocketTestServer> AcceptAsync(
        TcpListener listener, CancellationToken cancellationToken, X509Certificate2? certificate = null, string? selectedSubProtocol = "mqtt")
    {
        Socket peer = await listener.AcceptSocketAsync(cancellationToken);
        Stream stream = new NetworkStream(peer, ownsSocket: false);
        if (certificate is not null)
        {
            var ssl = new SslStream(stream);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, cancellationToken);
            stream = ssl;
        }

        Dictionary<string, string> headers = [];
        string requestLine = await ReadHeadAsync(stream, headers, cancellationToken);
        string path = requestLine.Split(' ')[1];
        string[] offered = headers.TryGetValue("sec-websocket-protocol", out string? list)
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(headers["sec-websocket-key"] + HandshakeGuid)));

        var response = new StringBuilder()
            .Append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append("Sec-WebSocket-Accept: ").Append(accept).Append("\r\n");
        if (selectedSubProtocol is not null)
        {
            response.Append("Sec-WebSocket-Protocol: ").Append(selectedSubProtocol).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(response.Append("\r\n").ToString()), cancellationToken);
        WebSocket socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            SubProtocol = selectedSubProtocol,
            KeepAliveInterval = TimeSpan.Zero,
        });
        headers.TryGetValue("host", out string? host);
        return new WebSocketTestServer(peer, stream, socket, new WebSocketRequest(path, host, offered));
    }

    /// <summary>Sends <paramref name="bytes"/> as one binary message made of one frame per part.</summary>
    public async Task SendMessageAsync(CancellationToken cancellationToken, params byte[][] parts)
    {
        for (int i = 0; i < parts.Length; i++)
        {
            await Socket.SendAsync(parts[i], WebSocketMessageType.Binary, endOfMessage: i == parts.Length - 1, cancellationToken);
        }
    }

    /// <summary>Receives whole messages until <paramref name="count"/> bytes arrived; returns the bytes and the message count.</summary>
    public async Task<(byte[] Bytes, int Messages)> ReceiveAsync(int count, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        int messages = 0;
        var buffer = new byte[64 * 1024];
        while (received.Length < count)
        {
            ValueWebSocketReceiveResult result = await Socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            Assert.Equal(WebSocketMessageType.Binary, result.MessageType); // [MQTT-6.0.0-1]
            received.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                messages++;
            }
        }

        return (received.ToArray(), messages);
    }

    /// <summary>Waits for the client's close frame, answers it and closes the connection.</summary>
    public async Task<WebSocketCloseStatus?> ExpectCloseAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        ValueWebSocketReceiveResult result = await Socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);

        // RFC 6455 §7.1.1: the server closes the TCP connection first; the client waits for that.
        _peer.Shutdown(SocketShutdown.Both);
        return Socket.CloseStatus;
    }

    /// <summary>Drops the TCP connection with a reset, no close frame.</summary>
    public void Reset()
    {
        _peer.LingerState = new LingerOption(enable: true, seconds: 0);
        _peer.Close();
    }

    public async ValueTask DisposeAsync()
    {
        Socket.Dispose();
        await _stream.DisposeAsync();
        _peer.Dispose();
    }

    private static async Task<string> ReadHeadAsync(Stream stream, Dictionary<string, string> headers, CancellationToken cancellationToken)
    {
        // Byte by byte up to the blank line: the client sends nothing more before our 101.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            await stream.ReadExactlyAsync(one, cancellationToken);
            head.Append((char)one[0]);
        }

        string[] lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        return lines[0];
    }
}
