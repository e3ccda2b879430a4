using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;

namespace CloudSignal.Mqtt.Transport;

/// <summary>MQTT over WebSocket (<c>ws://</c>) and WebSocket over TLS (<c>wss://</c>; 5.0 §6, 3.1.1 §6).</summary>
/// <remarks>
/// The connection is made through a private <see cref="SocketsHttpHandler"/> so that the socket and
/// TLS are ours: TCP with Nagle off, no proxy (as for TCP and TLS URLs), and for <c>wss://</c> the
/// same <see cref="TlsOptions"/> and <see cref="CertificateValidator"/> as <c>mqtts://</c>. With
/// <see cref="TlsOptions.ServerName"/> set, the request URI carries that name (so it is the SNI, the
/// certificate name checked, and the Host header) while the socket connects to the URL's host.
/// </remarks>
internal sealed class WebSocketTransport : StreamTransport
{
    /// <summary>The subprotocol offered and expected (§6, [MQTT-6.0.0-3], [MQTT-6.0.0-4]).</summary>
    internal const string SubProtocol = "mqtt";

    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;

    private WebSocketTransport(ClientWebSocket socket, HttpMessageInvoker invoker)
        : base(new WebSocketByteStream(socket), zeroByteReads: false)
    {
        _socket = socket;
        _invoker = invoker;
    }

    /// <summary>Connects, completes TLS for <c>wss://</c>, and upgrades to a WebSocket with subprotocol <c>mqtt</c>.</summary>
    /// <exception cref="AuthenticationException">The server certificate was rejected (the message says why) or the handshake failed.</exception>
    /// <exception cref="IOException">The connection or the upgrade failed; the message names the URI and the cause.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async ValueTask<IMqttTransport> ConnectAsync(MqttUrl url, TlsOptions? tls, CancellationToken cancellationToken)
    {
        CertificateValidator? validator = null;
        Uri uri = url.ToWebSocketUri();
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (_, token) =>
                new NetworkStream(await TcpTransport.ConnectSocketAsync(url.Host, url.Port, token).ConfigureAwait(false), ownsSocket: true),
        };

        if (url.IsTls)
        {
            string targetHost = TlsTransport.TargetHost(url, tls);
            uri = url.ToWebSocketUri(targetHost);
            validator = new CertificateValidator(tls, targetHost, $"{url.UriHost}:{url.Port}");
            try
            {
                handler.SslOptions = TlsTransport.CreateOptions(tls, validator);
            }
            catch
            {
                handler.Dispose();
                throw;
            }
        }

        var invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(SubProtocol); // [MQTT-6.0.0-3]
        try
        {
            await socket.ConnectAsync(uri, invoker, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            socket.Dispose();
            invoker.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            if (e is OperationCanceledException)
            {
                throw;
            }

            if (validator is not null && (validator.Rejection is not null || FindInner<AuthenticationException>(e) is not null))
            {
                throw validator.Translate(FindInner<AuthenticationException>(e) ?? e);
            }

            throw new IOException($"The WebSocket connection to {uri} failed: {TransportErrors.Flatten(e)}", e);
        }

        // [MQTT-6.0.0-4] binds the server; ClientWebSocket already refuses a subprotocol we did not
        // offer. A server that names none is tolerated: what matters is that it speaks MQTT.
        return new WebSocketTransport(socket, invoker);
    }

    protected override async ValueTask CloseConnectionAsync()
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            // Sends our close frame and waits for the server's (RFC 6455 §7.1.1); cancellation aborts.
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            _socket.Dispose();
            _invoker.Dispose();
        }
    }

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }
}
