using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>AUTH golden vectors, written by hand from 5.0 §3.15 (MQTT 5.0 only).</summary>
public class AuthVectors
{
    [Fact] // 5.0 §3.15.2.1: Remaining Length 0 means 0x00 Success and no properties
    public void Success_V500ShortForm_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xF0,                   // AUTH, flags 0000 [MQTT-3.15.1-1]
            0x00,                   // Remaining Length 0: Reason Code and Property Length omitted
        ];
        Codec.AssertGolden(default(AuthPacket), MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.15.2.1 (0x18), §3.15.2.2.2 Authentication Method, §3.15.2.2.3 Authentication Data
    public void ContinueAuthentication_V500WithMethodAndData_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xF0,                   // AUTH, flags 0000
            0x1D,                   // Remaining Length 29 = 1 + 1 + 27
            0x18,                   // Reason Code 0x18 Continue authentication
            0x1B,                   // Property Length 27 = 14 + 13
            0x15, 0x00, 0x0B,       // Authentication Method, length 11:
            0x53, 0x43, 0x52, 0x41, 0x4D, 0x2D, 0x53, 0x48, 0x41, 0x2D, 0x31, //   "SCRAM-SHA-1"
            0x16, 0x00, 0x0A,       // Authentication Data, length 10:
            0x6E, 0x2C, 0x2C, 0x6E, 0x3D, 0x75, 0x2C, 0x72, 0x3D, 0x78,       //   "n,,n=u,r=x"
        ];
        var packet = new AuthPacket(
            MqttReasonCode.ContinueAuthentication,
            new AuthProperties { AuthenticationMethod = "SCRAM-SHA-1", AuthenticationData = "n,,n=u,r=x"u8.ToArray() });
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §4.12.1: the server ends a re-authentication with Success; [MQTT-4.12.0-5] method included
    public void Success_V500WithMethod_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xF0,                   // AUTH, flags 0000
            0x10,                   // Remaining Length 16 = 1 + 1 + 14
            0x00,                   // Reason Code 0x00 Success (sent because properties follow)
            0x0E,                   // Property Length 14
            0x15, 0x00, 0x0B,       // Authentication Method, length 11:
            0x53, 0x43, 0x52, 0x41, 0x4D, 0x2D, 0x53, 0x48, 0x41, 0x2D, 0x31, //   "SCRAM-SHA-1"
        ];
        var packet = new AuthPacket(MqttReasonCode.Success, new AuthProperties { AuthenticationMethod = "SCRAM-SHA-1" });
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.15.2.1 (0x19), §3.15.2.2.4 Reason String, §3.15.2.2.5 User Property
    public void ReAuthenticate_V500WithReasonStringAndUserProperty_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xF0,                   // AUTH, flags 0000
            0x1B,                   // Remaining Length 27 = 1 + 1 + 25
            0x19,                   // Reason Code 0x19 Re-authenticate
            0x19,                   // Property Length 25 = 14 + 4 + 7
            0x15, 0x00, 0x0B,       // Authentication Method, length 11:
            0x53, 0x43, 0x52, 0x41, 0x4D, 0x2D, 0x53, 0x48, 0x41, 0x2D, 0x31, //   "SCRAM-SHA-1"
            0x1F, 0x00, 0x01, 0x72, // Reason String "r"
            0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x62, // User Property a=b
        ];
        var packet = new AuthPacket(
            MqttReasonCode.ReAuthenticate,
            new AuthProperties
            {
                AuthenticationMethod = "SCRAM-SHA-1",
                ReasonString = "r",
                UserProperties = new UserProperty[] { new("a", "b") },
            });
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.15.2.1: Remaining Length 0 is Success without properties
    public void RemainingLength0_V500_DecodesAsSuccess()
    {
        var packet = Assert.IsType<AuthPacket>(Codec.Decode([0xF0, 0x00], MqttProtocolVersion.V500));
        Assert.Equal(MqttReasonCode.Success, packet.ReasonCode);
        Assert.True(packet.Properties.IsEmpty);
    }

    [Fact] // 5.0 §3.15.2.1: "00 00" says the same as the short form; we send the short form
    public void SuccessWithEmptyProperties_V500_DecodesAndReencodesShortest()
    {
        var packet = Assert.IsType<AuthPacket>(Codec.Decode([0xF0, 0x02, 0x00, 0x00], MqttProtocolVersion.V500));
        Assert.Equal(default, packet);
        Assert.Equal("F000", Convert.ToHexString(Codec.Encode(packet, MqttProtocolVersion.V500)));
    }

    [Fact] // STYLE: codec encoding allocates nothing
    public void AuthWithProperties_Encoded_AllocatesNothing()
    {
        var packet = new AuthPacket(
            MqttReasonCode.ContinueAuthentication,
            new AuthProperties
            {
                AuthenticationMethod = "SCRAM-SHA-256",
                AuthenticationData = new byte[] { 1, 2, 3 },
                ReasonString = "more",
                UserProperties = new UserProperty[] { new("k", "v") },
            });
        var output = new ArrayBufferWriter<byte>(1024);
        PacketEncoder.Write(output, packet, MqttProtocolVersion.V500); // warm up
        output.ResetWrittenCount();

        long before = GC.GetAllocatedBytesForCurrentThread();
        PacketEncoder.Write(output, packet, MqttProtocolVersion.V500);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
