using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Broker;

/// <summary>
/// mosquitto_pub → broker → mosquitto_sub through each TCP-based listener: proves the generated
/// certificates, password file and config before any client code is involved.
/// </summary>
[Collection(MosquittoCollection.Name)]
public class MosquittoClientsTests(MosquittoFixture broker)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Every byte value plus a trailing newline: -N must not add or strip anything.</summary>
    private static readonly byte[] BinaryPayload = [.. Enumerable.Range(0, 256).Select(i => (byte)i), 0x0A];

    public static TheoryData<string, int> Listeners => new()
    {
        { MosquittoFixture.Tcp, 0 }, { MosquittoFixture.Tcp, 1 }, { MosquittoFixture.Tcp, 2 },
        { MosquittoFixture.Tls, 1 }, { MosquittoFixture.Auth, 2 },
    };

    [Theory]
    [MemberData(nameof(Listeners))]
    public async Task Listener_PubThenSub_PayloadByteExact(string listener, int qos)
    {
        string[] connection = listener switch
        {
            MosquittoFixture.Tls => broker.TlsArgs,
            MosquittoFixture.Auth => broker.AuthArgs,
            _ => broker.TcpArgs,
        };

        Assert.Equal(BinaryPayload, await RoundTripAsync(connection, qos, BinaryPayload));
    }

    [Fact]
    public async Task AuthListener_PlainUser_PayloadDelivered()
    {
        string[] connection = ["-h", "127.0.0.1", "-p", Port(MosquittoFixture.Auth), "-u", MosquittoFixture.PlainUsername, "-P", broker.PlainPassword];
        Assert.Equal("hello"u8.ToArray(), await RoundTripAsync(connection, 1, "hello"u8.ToArray()));
    }

    [Theory] // 3.1.1 CONNACK return code 5 / 5.0 reason code 0x87 Not authorized: mosquitto_sub exits non-zero.
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task AuthListener_WrongPassword_SubRefused(string version)
    {
        ToolResult result = await MosquittoFixture.RunMosquittoSub(
            ["-h", "127.0.0.1", "-p", Port(MosquittoFixture.Auth), "-V", version, "-u", broker.Username, "-P", broker.Password + "x", "-t", "t", "-C", "1"],
            Timeout);

        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not authori", result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AuthListener_Anonymous_SubRefused()
    {
        ToolResult result = await MosquittoFixture.RunMosquittoSub(["-h", "127.0.0.1", "-p", Port(MosquittoFixture.Auth), "-t", "t", "-C", "1"], Timeout);

        Assert.False(result.TimedOut, result.ToString());
        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public void MissingTool_Find_FailsWithInstallCommand()
    {
        var e = Assert.Throws<InvalidOperationException>(() => MosquittoTools.Find("mosquitto-not-installed"));
        Assert.Contains(MosquittoTools.InstallCommand, e.Message, StringComparison.Ordinal);
    }

    private async Task<byte[]> RoundTripAsync(string[] connection, int qos, byte[] payload)
    {
        string topic = "fixture/" + Guid.NewGuid().ToString("N");
        string q = qos.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using MosquittoSub sub = broker.StartMosquittoSub([.. connection, "-t", topic, "-q", q, "-C", "1", "-N"]);
        await sub.WaitUntilSubscribedAsync(Timeout);

        ToolResult pub = await MosquittoFixture.RunMosquittoPub([.. connection, "-t", topic, "-q", q, "-s"], Timeout, payload);
        Assert.True(pub.ExitCode == 0 && !pub.TimedOut, pub.ToString());

        ToolResult received = await sub.WaitAsync(Timeout);
        Assert.True(received.ExitCode == 0 && !received.TimedOut, received.ToString());
        return received.Stdout;
    }

    private string Port(string listener) => broker.Broker.Port(listener).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
