using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using CloudSignal.Mqtt.Transport;
using static CloudSignal.Mqtt.Tests.Transport.TransportTestKit;

namespace CloudSignal.Mqtt.Tests.Transport;

/// <summary>
/// TLS transport against an in-test <see cref="SslStream"/> server whose certificate comes from a
/// private CA made at test time (5.0 §4.2, §5.4.9).
/// </summary>
public class TlsTransportTests
{
    private static TlsOptions TrustTestCa => new() { CaCertificates = TestCertificates.CaCollection(TestCertificates.Ca) };

    [Theory]
    [InlineData("mqtts")]
    [InlineData("ssl")]
    public async Task CaTrustedViaOptions_Connect_EchoRoundTrip(string scheme)
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        byte[][] packets = SamplePackets();
        byte[] expected = Concat(packets);
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.Localhost, expected.Length, cts.Token);

        await using (IMqttTransport transport = await ConnectAsync($"{scheme}://127.0.0.1:{listener.Port()}", TrustTestCa, cts.Token))
        {
            Assert.Contains(((TlsTransport)transport).Protocol, new[] { SslProtocols.Tls12, SslProtocols.Tls13 });
            await WriteBatchAsync(transport.Output, cts.Token, packets);
            Assert.Equal(expected, await ReadExactlyAsync(transport.Input, expected.Length, cts.Token));
        }

        Assert.NotNull(await server);
    }

    [Fact] // a read loop still waiting when the transport is disposed ends instead of hanging
    public async Task ReadPending_Dispose_ReadEnds()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.Localhost, 0, cts.Token);

        IMqttTransport transport = await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", TrustTestCa, cts.Token);
        Task<byte[]> pending = ReadToEndAsync(transport.Input, cts.Token);
        await transport.DisposeAsync();

        await AssertReadEndedAsync(pending);
        Assert.NotNull(await server); // it saw close_notify and ended cleanly
    }

    [Fact]
    public async Task HostName_Connect_SentAsSniAndMatched()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.Localhost, 0, cts.Token);

        await using (await ConnectAsync($"mqtts://localhost:{listener.Port()}", TrustTestCa, cts.Token))
        {
        }

        TlsServerSession? session = await server;
        Assert.Equal("localhost", session?.ServerNameIndication);
    }

    [Fact]
    public async Task SystemTrustOnly_PrivateCa_AuthenticationExceptionSaysNotTrusted()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.Localhost, 0, cts.Token);

        AuthenticationException e = await Assert.ThrowsAsync<AuthenticationException>(
            async () => await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", null, cts.Token));

        Assert.Contains($"TLS connection to 127.0.0.1:{listener.Port()} failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("server certificate 'CN=localhost'", e.Message, StringComparison.Ordinal);
        Assert.Contains("was not trusted", e.Message, StringComparison.Ordinal);
        Assert.Contains("system trust store", e.Message, StringComparison.Ordinal);
        Assert.Contains("add the CA certificate to TlsOptions.CaCertificates", e.Message, StringComparison.Ordinal);
        Assert.Contains("RemoteCertificateChainErrors", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did not match", e.Message, StringComparison.Ordinal);
        await server; // on Linux the server may finish its handshake before the client rejects
    }

    [Fact]
    public async Task UnrelatedCaInOptions_Connect_AuthenticationExceptionSaysNotTrusted()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.Localhost, 0, cts.Token);
        var tls = new TlsOptions { CaCertificates = TestCertificates.CaCollection(TestCertificates.OtherCa) };

        AuthenticationException e = await Assert.ThrowsAsync<AuthenticationException>(
            async () => await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", tls, cts.Token));

        Assert.Contains("was not trusted", e.Message, StringComparison.Ordinal);
        Assert.Contains("the 1 certificate(s) in TlsOptions.CaCertificates", e.Message, StringComparison.Ordinal);
        await server; // on Linux the server may finish its handshake before the client rejects
    }

    [Fact]
    public async Task CertificateForAnotherName_Connect_AuthenticationExceptionSaysMismatch()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.OtherName, 0, cts.Token);

        AuthenticationException e = await Assert.ThrowsAsync<AuthenticationException>(
            async () => await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", TrustTestCa, cts.Token));

        Assert.Contains("did not match the name '127.0.0.1'", e.Message, StringComparison.Ordinal);
        Assert.Contains("DNS:other.example", e.Message, StringComparison.Ordinal);
        Assert.Contains("TlsOptions.ServerName", e.Message, StringComparison.Ordinal);
        Assert.Contains("RemoteCertificateNameMismatch", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not trusted", e.Message, StringComparison.Ordinal);
        await server; // on Linux the server may finish its handshake before the client rejects
    }

    [Fact]
    public async Task ServerNameOverride_Connect_UsedForSniAndNameCheck()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.OtherName, 0, cts.Token);
        var tls = new TlsOptions { CaCertificates = TestCertificates.CaCollection(TestCertificates.Ca), ServerName = "other.example" };

        await using (await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", tls, cts.Token))
        {
        }

        Assert.Equal("other.example", (await server)?.ServerNameIndication);
    }

    [Fact]
    public async Task ValidationCallbackAccepts_UntrustedCertificate_ConnectsAndSawChainErrors()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        byte[] packet = SamplePackets()[0];
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.Localhost, packet.Length, cts.Token);
        SslPolicyErrors seen = SslPolicyErrors.None;
        string? seenSubject = null;
        var tls = new TlsOptions
        {
            ValidationCallback = (certificate, _, errors) =>
            {
                seen = errors;
                seenSubject = certificate.Subject;
                return certificate.Thumbprint == TestCertificates.Localhost.Thumbprint; // pinning
            },
        };

        await using (IMqttTransport transport = await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", tls, cts.Token))
        {
            await WriteBatchAsync(transport.Output, cts.Token, packet);
            Assert.Equal(packet, await ReadExactlyAsync(transport.Input, packet.Length, cts.Token));
        }

        Assert.Equal(SslPolicyErrors.RemoteCertificateChainErrors, seen);
        Assert.Equal("CN=localhost", seenSubject);
        Assert.NotNull(await server);
    }

    [Fact]
    public async Task ValidationCallbackRejects_TrustedCertificate_AuthenticationExceptionNamesCallback()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.Localhost, 0, cts.Token);
        SslPolicyErrors seen = SslPolicyErrors.RemoteCertificateNotAvailable;
        var tls = new TlsOptions
        {
            CaCertificates = TestCertificates.CaCollection(TestCertificates.Ca),
            ValidationCallback = (_, _, errors) =>
            {
                seen = errors;
                return false;
            },
        };

        AuthenticationException e = await Assert.ThrowsAsync<AuthenticationException>(
            async () => await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", tls, cts.Token));

        Assert.Contains("TlsOptions.ValidationCallback rejected the server certificate", e.Message, StringComparison.Ordinal);
        Assert.Equal(SslPolicyErrors.None, seen); // the extra CA already cleared the chain error
        await server; // on Linux the server may finish its handshake before the client rejects
    }

    [Fact]
    public async Task ClientCertificate_ServerRequiresOne_Presented()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.Localhost, 0, cts.Token, requireClientCertificate: true);
        var tls = new TlsOptions { CaCertificates = TestCertificates.CaCollection(TestCertificates.Ca), ClientCertificate = TestCertificates.Client };

        await using (await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", tls, cts.Token))
        {
        }

        Assert.Equal("CN=agent-001", (await server)?.ClientCertificateSubject);
    }

    [Fact]
    public async Task ClientCertificateWithoutKey_Connect_ArgumentExceptionBeforeConnecting()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        using X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(TestCertificates.Client.RawData);
        var tls = new TlsOptions { ClientCertificate = publicOnly };

        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(
            async () => await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", tls, cts.Token));

        Assert.Contains("no private key", e.Message, StringComparison.Ordinal);
        Assert.False(listener.Pending());
    }

    [Fact]
    public async Task EnabledProtocolsTls12_Connect_NegotiatesTls12()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task<TlsServerSession?> server = TlsTestServer.RunAsync(listener, TestCertificates.Localhost, 0, cts.Token);
        var tls = new TlsOptions { CaCertificates = TestCertificates.CaCollection(TestCertificates.Ca), EnabledProtocols = SslProtocols.Tls12 };

        await using (IMqttTransport transport = await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", tls, cts.Token))
        {
            Assert.Equal(SslProtocols.Tls12, ((TlsTransport)transport).Protocol);
        }

        Assert.Equal(SslProtocols.Tls12, (await server)?.Protocol);
    }

    [Fact]
    public async Task ServerClosesWithoutHandshake_Connect_IOExceptionNamingEndpoint()
    {
        using CancellationTokenSource cts = TimeoutSource();
        using TcpListener listener = Listen();
        Task server = Task.Run(
            async () =>
            {
                using Socket peer = await listener.AcceptSocketAsync(cts.Token);
                peer.Shutdown(SocketShutdown.Both);
            },
            cts.Token);

        Exception e = await Assert.ThrowsAnyAsync<Exception>(
            async () => await ConnectAsync($"mqtts://127.0.0.1:{listener.Port()}", TrustTestCa, cts.Token));

        Assert.True(e is IOException or AuthenticationException, e.ToString());
        Assert.Contains($"TLS handshake with 127.0.0.1:{listener.Port()} failed", e.Message, StringComparison.Ordinal);
        await server;
    }
}
