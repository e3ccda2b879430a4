using System.Security.Authentication;

namespace CloudSignal.Mqtt.Transport;

/// <summary>Opens the transport a URL names.</summary>
internal static class MqttTransport
{
    /// <summary>
    /// Connects to <paramref name="url"/>: TCP for <c>mqtt://</c>/<c>tcp://</c>, TLS for
    /// <c>mqtts://</c>/<c>ssl://</c>, WebSocket for <c>ws://</c>, WebSocket over TLS for <c>wss://</c>.
    /// <paramref name="tls"/> applies to the TLS schemes only; null means system trust and the URL's host.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="tls"/> is unusable (a client certificate without its private key).</exception>
    /// <exception cref="AuthenticationException">The server certificate was rejected; the message says whether it was not trusted or did not match, and why.</exception>
    /// <exception cref="IOException">The connection could not be made; the message names the endpoint and the cause.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static ValueTask<IMqttTransport> ConnectAsync(MqttUrl url, TlsOptions? tls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.Scheme switch
        {
            MqttUrlScheme.Tcp => TcpTransport.ConnectAsync(url, cancellationToken),
            MqttUrlScheme.Tls => TlsTransport.ConnectAsync(url, tls, cancellationToken),
            MqttUrlScheme.WebSocket or MqttUrlScheme.SecureWebSocket => WebSocketTransport.ConnectAsync(url, tls, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(url), url.Scheme, "Unknown URL scheme."),
        };
    }
}
