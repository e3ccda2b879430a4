using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudSignal.Mqtt.Tests.Transport;

/// <summary>
/// A private CA and certificates it signs, made at test time with <see cref="CertificateRequest"/>:
/// nothing is installed, nothing is read from disk.
/// </summary>
internal static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> LazyCa = new(() => CreateCa("CloudSignal Test CA"));
    private static readonly Lazy<X509Certificate2> LazyOtherCa = new(() => CreateCa("Unrelated Test CA"));
    private static readonly Lazy<X509Certificate2> LazyLocalhost = new(() => CreateLeaf(Ca, "localhost", serverAuth: true, ["localhost"], [IPAddress.Loopback]));
    private static readonly Lazy<X509Certificate2> LazyOtherName = new(() => CreateLeaf(Ca, "other.example", serverAuth: true, ["other.example"], []));
    private static readonly Lazy<X509Certificate2> LazyClient = new(() => CreateLeaf(Ca, "agent-001", serverAuth: false, [], []));

    /// <summary>The private CA the servers' certificates chain to.</summary>
    public static X509Certificate2 Ca => LazyCa.Value;

    /// <summary>A CA that signed none of these certificates.</summary>
    public static X509Certificate2 OtherCa => LazyOtherCa.Value;

    /// <summary>Server certificate for DNS "localhost" and IP 127.0.0.1, signed by <see cref="Ca"/>.</summary>
    public static X509Certificate2 Localhost => LazyLocalhost.Value;

    /// <summary>Server certificate for "other.example" only, signed by <see cref="Ca"/>.</summary>
    public static X509Certificate2 OtherName => LazyOtherName.Value;

    /// <summary>A client certificate signed by <see cref="Ca"/>.</summary>
    public static X509Certificate2 Client => LazyClient.Value;

    public static X509Certificate2Collection CaCollection(X509Certificate2 ca) => [X509CertificateLoader.LoadCertificate(ca.RawData)];

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 ca = request.CreateSelfSigned(now.AddDays(-2), now.AddDays(2));
        return Reload(ca);
    }

    private static X509Certificate2 CreateLeaf(X509Certificate2 ca, string commonName, bool serverAuth, string[] dnsNames, IPAddress[] addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        string usage = serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2";
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (dnsNames.Length + addresses.Length > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (string dns in dnsNames)
            {
                names.AddDnsName(dns);
            }

            foreach (IPAddress address in addresses)
            {
                names.AddIpAddress(address);
            }

            request.CertificateExtensions.Add(names.Build());
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using X509Certificate2 unsigned = request.Create(ca, now.AddDays(-1), now.AddDays(1), serial);
        using X509Certificate2 withKey = unsigned.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>A PFX round trip gives a certificate whose key every platform's TLS stack can use.</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
}
