using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>DISCONNECT golden vectors, written by hand from 5.0 §3.14 and 3.1.1 §3.14.</summary>
public class DisconnectVectors
{
    [Fact] // 3.1.1 §3.14: fixed header only; [MQTT-3.14.1-1] reserved flags 0
    public void Disconnect_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xE0,                   // DISCONNECT, flags 0000
            0x00,                   // Remaining Length 0: no variable header, no payload
        ];
        Codec.AssertGolden(default(DisconnectPacket), MqttProtocolVersion.V311, wire);
    }

    [Fact] // 5.0 §3.14.2.1: Remaining Length 0 means Normal disconnection, no properties
    public void NormalDisconnection_V500ShortForm_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xE0,                   // DISCONNECT, flags 0000
            0x00,                   // Remaining Length 0: reason 0x00 and Property Length omitted
        ];
        Codec.AssertGolden(new DisconnectPacket(MqttReasonCode.NormalDisconnection), MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.14.2.1 (Table 3-10: 0x04), §3.14.2.2.1: below Remaining Length 2 there is no Property Length
    public void DisconnectWithWill_V500ReasonOnly_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xE0,                   // DISCONNECT, flags 0000
            0x01,                   // Remaining Length 1
            0x04,                   // Reason Code 0x04 Disconnect with Will Message; Property Length omitted
        ];
        Codec.AssertGolden(new DisconnectPacket(MqttReasonCode.DisconnectWithWillMessage), MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.14.2.2.3 Reason String, §3.14.2.2.4 User Property, §3.14.2.2.5 Server Reference
    public void ServerShuttingDown_V500WithProperties_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xE0,                   // DISCONNECT, flags 0000
            0x17,                   // Remaining Length 23 = 1 + 1 + 21
            0x8B,                   // Reason Code 0x8B Server shutting down
            0x15,                   // Property Length 21 = 8 + 6 + 7
            0x1C, 0x00, 0x05, 0x6F, 0x74, 0x68, 0x65, 0x72, // Server Reference "other"
            0x1F, 0x00, 0x03, 0x62, 0x79, 0x65,             // Reason String "bye"
            0x26, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76,       // User Property k=v
        ];
        var packet = new DisconnectPacket(
            MqttReasonCode.ServerShuttingDown,
            new DisconnectProperties
            {
                ServerReference = "other",
                ReasonString = "bye",
                UserProperties = new UserProperty[] { new("k", "v") },
            });
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.14.2.2.2: with properties the reason code is sent even when it is 0x00
    public void NormalDisconnection_V500WithSessionExpiry_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0xE0,                   // DISCONNECT, flags 0000
            0x07,                   // Remaining Length 7 = 1 + 1 + 5
            0x00,                   // Reason Code 0x00 Normal disconnection
            0x05,                   // Property Length 5
            0x11, 0x00, 0x00, 0x0E, 0x10, // Session Expiry Interval 3600 s
        ];
        var packet = new DisconnectPacket(Properties: new DisconnectProperties { SessionExpiryInterval = 3600 });
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §1.5.5 (Table 1-1): Remaining Length and Property Length both take two bytes past 127
    public void LongReasonString_V500TwoByteLengths_EncodesAndDecodesExactBytes()
    {
        byte[] header =
        [
            0xE0,                   // DISCONNECT, flags 0000
            0x88, 0x01,             // Remaining Length 136 = 1 + 2 + 133: 0x88 = 8 + continuation, 0x01 * 128
            0x80,                   // Reason Code 0x80 Unspecified error
            0x85, 0x01,             // Property Length 133 = 3 + 130: 0x85 = 5 + continuation, 0x01 * 128
            0x1F, 0x00, 0x82,       // Reason String, length 130
        ];
        byte[] wire = [.. header, .. Enumerable.Repeat((byte)'x', 130)];
        var packet = new DisconnectPacket(
            MqttReasonCode.UnspecifiedError,
            new DisconnectProperties { ReasonString = new string('x', 130) });
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.14.2.1: Remaining Length 1 is a reason code without properties
    public void RemainingLength1_V500_DecodesAsReasonCodeOnly()
    {
        var packet = Assert.IsType<DisconnectPacket>(Codec.Decode([0xE0, 0x01, 0x8E], MqttProtocolVersion.V500));
        Assert.Equal(MqttReasonCode.SessionTakenOver, packet.ReasonCode);
        Assert.True(packet.Properties.IsEmpty);
    }

    [Fact] // 5.0 §3.14.2.1: Remaining Length 0 is 0x00 Normal disconnection
    public void RemainingLength0_V500_DecodesAsNormalDisconnection()
    {
        var packet = Assert.IsType<DisconnectPacket>(Codec.Decode([0xE0, 0x00], MqttProtocolVersion.V500));
        Assert.Equal(MqttReasonCode.NormalDisconnection, packet.ReasonCode);
        Assert.True(packet.Properties.IsEmpty);
    }

    [Theory] // 5.0 §3.14.2.2.1: we accept the longer forms but always send the shortest
    [InlineData("E0 02 00 00", "E000")]
    [InlineData("E0 02 04 00", "E00104")]
    [InlineData("E0 01 00", "E000")]
    public void LongerForm_V500_DecodesAndReencodesShortest(string received, string sent)
    {
        byte[] bytes = Convert.FromHexString(received.Replace(" ", string.Empty, StringComparison.Ordinal));
        var packet = Assert.IsType<DisconnectPacket>(Codec.Decode(bytes, MqttProtocolVersion.V500));
        Assert.Equal(sent, Convert.ToHexString(Codec.Encode(packet, MqttProtocolVersion.V500)));
    }

    [Fact] // STYLE: codec encoding allocates nothing
    public void DisconnectWithProperties_Encoded_AllocatesNothing()
    {
        var packet = new DisconnectPacket(
            MqttReasonCode.ServerMoved,
            new DisconnectProperties
            {
                SessionExpiryInterval = 10,
                ServerReference = "other:1883",
                ReasonString = "moved",
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
