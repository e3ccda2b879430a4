using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace CloudSignal.Mqtt;

/// <summary>
/// TLS settings for <c>mqtts://</c>, <c>ssl://</c> and <c>wss://</c> connections (ignored for
/// <c>mqtt://</c>, <c>tcp://</c> and <c>ws://</c>: the URL's scheme decides whether TLS is used).
/// </summary>
/// <remarks>
/// With no options at all the server certificate is checked against the operating system's trust
/// store and against the host name in the URL, which is all a CloudSignal connection needs: its
/// certificates are signed by a public CA. Certificate validation is never switched off implicitly;
/// the only way to accept a certificate the default check rejects is to trust its CA through
/// <see cref="CaCertificates"/> or to decide yourself in <see cref="ValidationCallback"/>.
/// A rejected certificate fails the connect with an
/// <see cref="AuthenticationException"/> whose message says whether the certificate was not trusted
/// or did not match the name, and why.
/// </remarks>
public sealed class TlsOptions
{
    /// <summary>
    /// Extra certificate authorities to trust in addition to the system trust store, for a broker
    /// whose certificate comes from a private CA (a self-signed server certificate may be listed
    /// here as its own CA). Intermediate certificates listed here help build the chain.
    /// Null (the default) trusts the system store only.
    /// </summary>
    public X509Certificate2Collection? CaCertificates { get; init; }

    /// <summary>
    /// A certificate, with its private key, to present when the broker asks for one (mutual TLS).
    /// Null (the default) presents none.
    /// </summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>
    /// The name to send in the TLS server name indication and to check the certificate against,
    /// when it differs from the host in the URL (for example when connecting by IP address to a
    /// broker whose certificate names a host). For <c>wss://</c> it is also the HTTP Host header.
    /// Null (the default) uses the URL's host.
    /// </summary>
    public string? ServerName { get; init; }

    /// <summary>
    /// Replaces the default certificate check when set: the connection is accepted exactly when this
    /// returns true. It receives the server certificate, the chain built by the platform, and the
    /// errors the default check found (with <see cref="CaCertificates"/> already taken into account,
    /// so <see cref="SslPolicyErrors.None"/> means the default check would have accepted).
    /// Null (the default) uses the default check.
    /// </summary>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? ValidationCallback { get; init; }

    /// <summary>
    /// The TLS versions to allow. <see cref="SslProtocols.None"/> (the default) lets the operating
    /// system choose, which allows TLS 1.2 and TLS 1.3 on current systems.
    /// </summary>
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.None;
}
