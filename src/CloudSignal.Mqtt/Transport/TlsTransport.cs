using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace CloudSignal.Mqtt.Transport;

/// <summary>MQTT over TLS over TCP (<c>mqtts://</c>, <c>ssl://</c>; 5.0 §4.2, §5.4.9).</summary>
internal sealed class TlsTransport : StreamTransport
{
    private readonly Socket _socket;
    private readonly SslStream _ssl;

    private TlsTransport(Socket socket, SslStream ssl)
        : base(ssl, zeroByteReads: true)
    {
        _socket = socket;
        _ssl = ssl;
    }

    /// <summary>The negotiated TLS version.</summary>
    public SslProtocols Protocol => _ssl.SslProtocol;

    /// <summary>Connects and completes the TLS handshake; see <see cref="CertificateValidator"/> for the checks.</summary>
    /// <exception cref="AuthenticationException">The server certificate was rejected (the message says why) or the handshake failed.</exception>
    /// <exception cref="IOException">The connection could not be made or broke during the handshake.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async ValueTask<IMqttTransport> ConnectAsync(MqttUrl url, TlsOptions? tls, CancellationToken cancellationToken)
    {
        string targetHost = TargetHost(url, tls);
        var validator = new CertificateValidator(tls, targetHost, $"{url.UriHost}:{url.Port}");
        SslClientAuthenticationOptions options = CreateOptions(tls, validator);
        options.TargetHost = targetHost;

        Socket socket = await TcpTransport.ConnectSocketAsync(url.Host, url.Port, cancellationToken).ConfigureAwait(false);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw validator.Translate(e);
        }

        return new TlsTransport(socket, ssl);
    }

    /// <summary>The name for SNI and the certificate name check: <see cref="TlsOptions.ServerName"/> or the URL's host.</summary>
    internal static string TargetHost(MqttUrl url, TlsOptions? tls) =>
        string.IsNullOrEmpty(tls?.ServerName) ? url.Host : tls.ServerName;

    /// <summary>
    /// Client options shared with <c>wss://</c>. <see cref="SslClientAuthenticationOptions.TargetHost"/>
    /// is left to the caller. Revocation is not checked (the platform default), so a private CA
    /// without a CRL works.
    /// </summary>
    /// <exception cref="ArgumentException">The options are unusable (a client certificate without its private key).</exception>
    internal static SslClientAuthenticationOptions CreateOptions(TlsOptions? tls, CertificateValidator validator)
    {
        var options = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = tls?.EnabledProtocols ?? SslProtocols.None,
            RemoteCertificateValidationCallback = validator.Validate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (tls?.ClientCertificate is { } clientCertificate)
        {
            if (!clientCertificate.HasPrivateKey)
            {
                throw new ArgumentException(
                    $"TlsOptions.ClientCertificate '{clientCertificate.Subject}' has no private key; load it with its key (for example from a PFX file).",
                    nameof(tls));
            }

            options.ClientCertificates = new X509CertificateCollection { clientCertificate };
        }

        return options;
    }

    protected override async ValueTask CloseConnectionAsync()
    {
        // close_notify first (RFC 8446 §6.1), bounded: a server that stopped reading must not hold us.
        Task shutdown = _ssl.ShutdownAsync();
        try
        {
            await shutdown.WaitAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException or InvalidOperationException or AuthenticationException)
        {
            // Observe a late failure so it never surfaces as an unobserved task exception.
            _ = shutdown.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }

        await ShutdownAndDrainAsync(_socket).ConfigureAwait(false);
        await _ssl.DisposeAsync().ConfigureAwait(false);
    }
}
