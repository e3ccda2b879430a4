using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudSignal.Mqtt.IntegrationTests.Infrastructure;

/// <summary>
/// A throw-away CA and a server certificate for <c>localhost</c> / <c>127.0.0.1</c>, made at test
/// time and written as PEM files for mosquitto's <c>cafile</c>, <c>certfile</c> and <c>keyfile</c>.
/// The CA is in no trust store, so a client that trusts only the system store must reject it.
/// </summary>
public sealed class TestCertificates
{
    private TestCertificates(X509Certificate2 ca, string caFile, string certFile, string keyFile)
    {
        CaCertificate = ca;
        CaFile = caFile;
        CertFile = certFile;
        KeyFile = keyFile;
    }

    /// <summary>The CA's public certificate (no private key).</summary>
    public X509Certificate2 CaCertificate { get; }

    public string CaFile { get; }

    public string CertFile { get; }

    public string KeyFile { get; }

    public static TestCertificates Create(string directory)
    {
        DateTimeOffset notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        DateTimeOffset notAfter = DateTimeOffset.UtcNow.AddDays(30);

        // ECDSA P-256: generated in microseconds, and both OpenSSL (mosquitto) and SslStream take it.
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=CloudSignal.Mqtt test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var caSki = new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false);
        caRequest.CertificateExtensions.Add(caSki);
        using X509Certificate2 caWithKey = caRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // serverAuth
        serverRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(serverRequest.PublicKey, critical: false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(caSki));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number (RFC 5280 §4.1.2.2)
        using X509Certificate2 server = serverRequest.Create(caWithKey, notBefore, notAfter, serial);

        string caFile = Path.Combine(directory, "ca.pem");
        string certFile = Path.Combine(directory, "server.pem");
        string keyFile = Path.Combine(directory, "server.key");
        File.WriteAllText(caFile, caWithKey.ExportCertificatePem());
        File.WriteAllText(certFile, server.ExportCertificatePem());
        File.WriteAllText(keyFile, serverKey.ExportPkcs8PrivateKeyPem());

        X509Certificate2 ca = X509CertificateLoader.LoadCertificate(caWithKey.RawData);
        return new TestCertificates(ca, caFile, certFile, keyFile);
    }

    /// <summary>
    /// A validation callback that trusts exactly this CA (and still checks the host name), for raw
    /// SslStream / ClientWebSocket probes that do not go through the client library.
    /// </summary>
    public bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }
}
