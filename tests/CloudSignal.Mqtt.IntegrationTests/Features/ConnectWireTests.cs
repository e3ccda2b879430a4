using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using static CloudSignal.Mqtt.IntegrationTests.Features.FeatureClients;

namespace CloudSignal.Mqtt.IntegrationTests.Features;

/// <summary>What the CONNECT packet really carries when no credentials are given, checked on the wire.</summary>
[Collection(MosquittoCollection.Name)]
public class ConnectWireTests(MosquittoFixture broker)
{
    private const int UserNameFlag = 0x80;
    private const int PasswordFlag = 0x40;

    [Theory] // None given, none sent: an empty Password is still a password (5.0 §3.1.3.5), and 3.1.1 forbids one without a user name [MQTT-3.1.2-22]
    [InlineData(MqttProtocolVersion.V500)]
    [InlineData(MqttProtocolVersion.V311)]
    public async Task ConnectWithoutCredentials_Connects_WithNeitherUserNameNorPasswordFlag(MqttProtocolVersion version)
    {
        await using var tap = new TcpTap(broker.Broker.Port(MosquittoFixture.Tcp));
        await using CloudSignalClient client = await ConnectAsync(broker, "anonymous", Options(version), tap.Url);

        WireFrame connect = WireFrames.Split(tap.ClientToBroker)[0];
        Assert.Equal(1, connect.Type);
        int flags = connect.Body[7]; // after Protocol Name (2 + 4 bytes) and Protocol Level (1 byte), §3.1.2.3
        Assert.Equal(0, flags & (UserNameFlag | PasswordFlag));
    }
}
