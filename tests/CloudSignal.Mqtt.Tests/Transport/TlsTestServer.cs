using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using static CloudSignal.Mqtt.Tests.Transport.TransportTestKit;

namespace CloudSignal.Mqtt.Tests.Transport;

/// <summary>What the in-test TLS server saw of its one client.</summary>
internal sealed record TlsServerSession(string? ServerNameIndication, string? ClientCertificateSubject, SslProtocols Protocol);

/// <summary>A one-connection TLS echo server on a loopback listener, built on <see cref="SslStream"/>.</summary>
internal static class TlsTestServer
{
    /// <summary>
    /// Accepts one connection, completes the handshake with <paramref name="certificate"/>, echoes
    /// <paramref name="echoCount"/> bytes, then reads to the client's close. Returns null when the
    /// handshake failed on the server's side (a client that rejects the certificate may make it fail
    /// here, or only after the server's side completed: TLS 1.3 on Linux).
    /// </summary>
    public static Task<TlsServerSession?> RunAsync(
        TcpListener listener, X509Certificate2 certificate, int echoCount, CancellationToken cancellationToken, bool requireClientCertificate = false) =>
        Task.Run(
            async () =>
            {
                using Socket peer = await listener.AcceptSocketAsync(cancellationToken);
                await using var ssl = new SslStream(new NetworkStream(peer, ownsSocket: false));
                try
                {
                    await ssl.AuthenticateAsServerAsync(
                        new SslServerAuthenticationOptions
                        {
                            ServerCertificate = certificate,
                            ClientCertificateRequired = requireClientCertificate,

                            // The test checks what arrived; trust is the client side's subject here.
                            RemoteCertificateValidationCallback = (_, _, _, _) => true,
                        },
                        cancellationToken);
                }
                catch (Exception e) when (e is AuthenticationException or IOException)
                {
                    return null;
                }

                var session = new TlsServerSession(
                    string.IsNullOrEmpty(ssl.TargetHostName) ? null : ssl.TargetHostName,
                    ssl.RemoteCertificate?.Subject,
                    ssl.SslProtocol);
                try
                {
                    byte[] bytes = await ReadStreamExactlyAsync(ssl, echoCount, cancellationToken);
                    await ssl.WriteAsync(bytes, cancellationToken);
                    await ReadStreamToEndAsync(ssl, cancellationToken);
                    peer.Shutdown(SocketShutdown.Send);
                }
                catch (Exception e) when ((e is IOException or AuthenticationException) && echoCount == 0)
                {
                    // A client that rejected the certificate after the server's side of the
                    // handshake completed just drops the connection.
                }

                return session;
            },
            cancellationToken);
}
