using CloudSignal.Mqtt.Transport;

namespace CloudSignal.Mqtt.Tests.Transport;

/// <summary>Broker URLs as the CloudSignal docs write them (API.md, ConnectParameters.Host).</summary>
public class MqttUrlTests
{
    [Theory]
    [InlineData("mqtt://broker.example.com", "Tcp", 1883)]
    [InlineData("tcp://broker.example.com", "Tcp", 1883)]
    [InlineData("mqtts://broker.example.com", "Tls", 8883)]
    [InlineData("ssl://broker.example.com", "Tls", 8883)]
    [InlineData("ws://broker.example.com", "WebSocket", 80)]
    [InlineData("wss://broker.example.com", "SecureWebSocket", 443)]
    public void SchemeWithoutPort_Parse_DefaultPort(string text, string scheme, int port)
    {
        MqttUrl url = MqttUrl.Parse(text);

        Assert.Equal(scheme, url.Scheme.ToString());
        Assert.Equal("broker.example.com", url.Host);
        Assert.Equal(port, url.Port);
    }

    [Theory]
    [InlineData("mqtt://h:1", "Tcp", 1)]
    [InlineData("tcp://h:65535", "Tcp", 65535)]
    [InlineData("mqtts://connect.cloudsignal.app:8883", "Tls", 8883)]
    [InlineData("ssl://h:18883", "Tls", 18883)]
    [InlineData("ws://h:8080", "WebSocket", 8080)]
    [InlineData("wss://connect.cloudsignal.app:18885/", "SecureWebSocket", 18885)]
    public void ExplicitPort_Parse_PortKept(string text, string scheme, int port)
    {
        MqttUrl url = MqttUrl.Parse(text);

        Assert.Equal(scheme, url.Scheme.ToString());
        Assert.Equal(port, url.Port);
    }

    [Theory]
    [InlineData("MQTT://h", "Tcp")]
    [InlineData("Mqtts://h", "Tls")]
    [InlineData("SSL://h", "Tls")]
    [InlineData("WSS://h", "SecureWebSocket")]
    public void UpperCaseScheme_Parse_Accepted(string text, string scheme) =>
        Assert.Equal(scheme, MqttUrl.Parse(text).Scheme.ToString());

    [Theory]
    [InlineData("ws://h", "/mqtt")] // no path: the default
    [InlineData("wss://h:443", "/mqtt")]
    [InlineData("ws://h/", "/")] // an explicit root stays the root (CloudSignal's wss URL)
    [InlineData("ws://h/mqtt", "/mqtt")]
    [InlineData("ws://h:9001/custom/path", "/custom/path")]
    [InlineData("wss://h/ws?token=abc", "/ws?token=abc")]
    [InlineData("ws://h?token=abc", "/mqtt?token=abc")] // query with no path: default path plus query
    public void WebSocketUrl_Parse_PathFromUrl(string text, string path) =>
        Assert.Equal(path, MqttUrl.Parse(text).Path);

    [Theory]
    [InlineData("mqtt://h")]
    [InlineData("mqtt://h/")]
    [InlineData("mqtts://h:8883/")]
    public void TcpOrTlsUrl_Parse_EmptyPath(string text) =>
        Assert.Equal(string.Empty, MqttUrl.Parse(text).Path);

    [Theory]
    [InlineData("mqtt://[::1]", "::1", 1883)]
    [InlineData("mqtts://[::1]:8884", "::1", 8884)]
    [InlineData("ws://[2001:db8::5]:9001/mqtt", "2001:db8::5", 9001)]
    [InlineData("mqtt://[fe80::1%25eth0]:1883", "fe80::1%eth0", 1883)]
    [InlineData("mqtt://[fe80::1%eth0]", "fe80::1%eth0", 1883)]
    public void BracketedIpv6_Parse_HostWithoutBrackets(string text, string host, int port)
    {
        MqttUrl url = MqttUrl.Parse(text);

        Assert.Equal(host, url.Host);
        Assert.Equal(port, url.Port);
    }

    [Theory]
    [InlineData("mqtt://127.0.0.1:1883", "127.0.0.1")]
    [InlineData("mqtt://localhost", "localhost")]
    [InlineData("mqtt://my_broker", "my_broker")] // container names use underscores
    [InlineData("  mqtt://h  ", "h")] // white space around a pasted URL
    [InlineData("mqtt://bücher.example", "xn--bcher-kva.example")] // IDNA ASCII form for DNS and SNI
    public void Host_Parse_Normalized(string text, string host) =>
        Assert.Equal(host, MqttUrl.Parse(text).Host);

    [Fact]
    public void Helpers_EachScheme_TlsAndWebSocketFlags()
    {
        Assert.False(MqttUrl.Parse("mqtt://h").IsTls);
        Assert.False(MqttUrl.Parse("mqtt://h").IsWebSocket);
        Assert.True(MqttUrl.Parse("ssl://h").IsTls);
        Assert.False(MqttUrl.Parse("ssl://h").IsWebSocket);
        Assert.False(MqttUrl.Parse("ws://h").IsTls);
        Assert.True(MqttUrl.Parse("ws://h").IsWebSocket);
        Assert.True(MqttUrl.Parse("wss://h").IsTls);
        Assert.True(MqttUrl.Parse("wss://h").IsWebSocket);
    }

    [Theory]
    [InlineData("tcp://h", "mqtt://h:1883")]
    [InlineData("ssl://h", "mqtts://h:8883")]
    [InlineData("ws://[::1]", "ws://[::1]:80/mqtt")]
    [InlineData("wss://h:18885/", "wss://h:18885/")]
    public void ParsedUrl_ToString_Canonical(string text, string canonical) =>
        Assert.Equal(canonical, MqttUrl.Parse(text).ToString());

    [Fact]
    public void WebSocketUrl_ToWebSocketUri_SchemeHostPortPath()
    {
        Assert.Equal(new Uri("wss://h:443/mqtt"), MqttUrl.Parse("wss://h").ToWebSocketUri());
        Assert.Equal(new Uri("ws://[::1]:9001/x?y=1"), MqttUrl.Parse("ws://[::1]:9001/x?y=1").ToWebSocketUri());
        Assert.Equal(new Uri("wss://name.example:8443/"), MqttUrl.Parse("wss://10.0.0.1:8443/").ToWebSocketUri("name.example"));
    }

    [Theory]
    [InlineData(null, "it is empty")]
    [InlineData("", "it is empty")]
    [InlineData("   ", "it is empty")]
    [InlineData("broker.example.com:1883", "no scheme")]
    [InlineData("://h", "no scheme")]
    [InlineData("http://h", "scheme 'http' is not supported")]
    [InlineData("mqtt5://h", "scheme 'mqtt5' is not supported")]
    [InlineData("mqtt://", "no host")]
    [InlineData("mqtt://:1883", "no host")]
    [InlineData("ws:///mqtt", "no host")]
    [InlineData("mqtt://h:", "port '' is not")]
    [InlineData("mqtt://h:0", "port '0' is not")]
    [InlineData("mqtt://h:65536", "port '65536' is not")]
    [InlineData("mqtt://h:-1", "port '-1' is not")]
    [InlineData("mqtt://h:+1", "port '+1' is not")]
    [InlineData("mqtt://h:18a3", "port '18a3' is not")]
    [InlineData("mqtt://h:1883:1", "IPv6 address must be written in brackets")]
    [InlineData("mqtt://::1", "IPv6 address must be written in brackets")]
    [InlineData("mqtt://[::1", "no closing ']'")]
    [InlineData("mqtt://[nope]:1883", "'[nope]' is not an IPv6 address")]
    [InlineData("mqtt://[127.0.0.1]", "is not an IPv6 address")]
    [InlineData("mqtt://[::1]x", "follows the IPv6 address")]
    [InlineData("mqtt://bad host", "'bad host' is not a valid host name")]
    [InlineData("mqtt://-bad-", "not a valid host name")]
    [InlineData("mqtt://h?clientId=1", "query ('?') only belongs")]
    [InlineData("mqtts://h/?x", "query ('?') only belongs")]
    [InlineData("mqtt://h/topic", "path ('/topic') only belongs")]
    [InlineData("ssl://h:8883/mqtt", "path ('/mqtt') only belongs")]
    [InlineData("ws://h/mqtt#frag", "fragment")]
    [InlineData("mqtt://h#frag", "fragment")]
    [InlineData("ws://h/my path", "space or a control character")]
    public void BadUrl_Parse_ArgumentExceptionWithReasonAndAcceptedForms(string? text, string reason)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => MqttUrl.Parse(text));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        AssertNamesAcceptedForms(e);
        Assert.Equal("url", e.ParamName);
    }

    [Theory]
    [InlineData("mqtt://user:s3cret@h:1883")]
    [InlineData("wss://user:s3cret@h/mqtt")]
    [InlineData("mqtt://@h")]
    public void UserInfo_Parse_RejectedWithoutEchoingCredentials(string text)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => MqttUrl.Parse(text));

        Assert.Contains("user information", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
        Assert.Contains("***@h", e.Message, StringComparison.Ordinal);
        AssertNamesAcceptedForms(e);
    }

    [Fact]
    public void ParamName_Given_ReportedByException()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => MqttUrl.Parse("nope", "Host"));

        Assert.Equal("Host", e.ParamName);
    }

    private static void AssertNamesAcceptedForms(ArgumentException e)
    {
        foreach (string form in new[] { "mqtt://", "tcp://", "mqtts://", "ssl://", "ws://", "wss://", "1883", "8883", " 80", "443", "/mqtt", "[::1]" })
        {
            Assert.Contains(form, e.Message, StringComparison.Ordinal);
        }
    }
}
