using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CloudSignal.Mqtt.Transport;

/// <summary>
/// The server certificate check for one TLS handshake (<c>mqtts://</c> and <c>wss://</c> alike),
/// and the words that explain a rejection.
/// </summary>
/// <remarks>
/// Rules, in order:
/// <list type="number">
/// <item>The platform checks the chain against the system trust store and the name against the
/// target host (the URL's host, or <see cref="TlsOptions.ServerName"/>).</item>
/// <item>If the chain failed and <see cref="TlsOptions.CaCertificates"/> is set, the chain is built
/// again with those certificates as the only roots (<see cref="X509ChainTrustMode.CustomRootTrust"/>);
/// success clears the chain error. So the extra CAs add to the system store and replace nothing.
/// A name mismatch is never cleared by a CA.</item>
/// <item>If <see cref="TlsOptions.ValidationCallback"/> is set it decides, given the errors left;
/// otherwise the certificate passes exactly when no error is left.</item>
/// </list>
/// </remarks>
internal sealed class CertificateValidator
{
    private readonly TlsOptions? _options;
    private readonly string _targetHost;
    private readonly string _endpoint;

    public CertificateValidator(TlsOptions? options, string targetHost, string endpoint)
    {
        _options = options;
        _targetHost = targetHost;
        _endpoint = endpoint;
    }

    /// <summary>Why the last certificate was rejected; null when it was accepted or not yet seen.</summary>
    public string? Rejection { get; private set; }

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/>.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Rejection = null;
        if (certificate is null)
        {
            Rejection = $"The TLS connection to {_endpoint} failed: the server sent no certificate (SslPolicyErrors: {errors}).";
            return false;
        }

        X509Certificate2 server = certificate as X509Certificate2
            ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());

        X509ChainStatus[] chainStatus = chain?.ChainStatus ?? [];
        bool triedExtraCas = false;
        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 && _options?.CaCertificates is { Count: > 0 } cas)
        {
            triedExtraCas = true;
            if (ChainsToExtraCa(server, chain, cas, out chainStatus))
            {
                errors &= ~SslPolicyErrors.RemoteCertificateChainErrors;
            }
        }

        if (_options?.ValidationCallback is { } callback)
        {
            if (callback(server, chain, errors))
            {
                return true;
            }

            Rejection = $"The TLS connection to {_endpoint} failed: TlsOptions.ValidationCallback rejected the server certificate {Describe(server)} (SslPolicyErrors: {errors}).";
            return false;
        }

        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        Rejection = Explain(server, errors, chainStatus, triedExtraCas);
        return false;
    }

    /// <summary>The exception for a failed handshake: the rejection when there is one, else the cause.</summary>
    public Exception Translate(Exception handshakeFailure)
    {
        if (Rejection is { } rejection)
        {
            return new AuthenticationException(rejection, handshakeFailure);
        }

        string message = $"The TLS handshake with {_endpoint} failed: {TransportErrors.Flatten(handshakeFailure)}";
        return handshakeFailure is AuthenticationException
            ? new AuthenticationException(message, handshakeFailure)
            : new IOException(message, handshakeFailure);
    }

    private string Explain(X509Certificate2 server, SslPolicyErrors errors, X509ChainStatus[] chainStatus, bool triedExtraCas)
    {
        var text = new StringBuilder();
        text.Append("The TLS connection to ").Append(_endpoint).Append(" failed: ");
        if ((errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            text.Append("the server sent no certificate; ");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            text.Append("the server certificate ").Append(Describe(server)).Append(" was not trusted (")
                .Append(DescribeStatus(chainStatus)).Append("). ");
            text.Append(triedExtraCas
                ? $"It was checked against the system trust store and the {_options!.CaCertificates!.Count} certificate(s) in TlsOptions.CaCertificates; "
                : "It was checked against the system trust store; if the server uses a private CA, add the CA certificate to TlsOptions.CaCertificates; ");
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            text.Append("the server certificate ").Append(Describe(server)).Append(" did not match the name '")
                .Append(_targetHost).Append("'; connect with a name the certificate lists or set TlsOptions.ServerName; ");
        }

        text.Length -= 2;
        text.Append(" (SslPolicyErrors: ").Append(errors).Append(").");
        return text.ToString();
    }

    private static bool ChainsToExtraCa(X509Certificate2 server, X509Chain? platformChain, X509Certificate2Collection cas, out X509ChainStatus[] status)
    {
        using var chain = new X509Chain();
        if (platformChain is not null)
        {
            // Keeps the platform's choices: the server-auth usage, the revocation mode, and the
            // intermediates the server sent (they sit in ExtraStore).
            chain.ChainPolicy = platformChain.ChainPolicy.Clone();
        }
        else
        {
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        }

        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Clear();
        chain.ChainPolicy.CustomTrustStore.AddRange(cas);
        chain.ChainPolicy.ExtraStore.AddRange(cas);
        bool trusted = chain.Build(server);
        status = chain.ChainStatus;
        foreach (X509ChainElement element in chain.ChainElements)
        {
            element.Certificate.Dispose();
        }

        return trusted;
    }

    /// <summary>"(subject CN=x; names DNS:a, IP:b)": what the certificate is for.</summary>
    private static string Describe(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == "2.5.29.17")
            {
                var san = new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical);
                names.AddRange(san.EnumerateDnsNames().Select(n => "DNS:" + n));
                names.AddRange(san.EnumerateIPAddresses().Select(a => "IP:" + a));
            }
        }

        string subject = $"'{certificate.Subject}'";
        return names.Count == 0 ? subject : $"{subject} (names: {string.Join(", ", names)})";
    }

    private static string DescribeStatus(X509ChainStatus[] status)
    {
        if (status.Length == 0)
        {
            return "the chain could not be built";
        }

        return string.Join("; ", status
            .Select(s => $"{s.Status}: {s.StatusInformation.Trim()}")
            .Distinct(StringComparer.Ordinal));
    }
}
