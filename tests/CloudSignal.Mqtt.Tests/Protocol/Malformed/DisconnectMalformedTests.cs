using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>DISCONNECT violations, decoding and encoding (5.0 §3.14, 3.1.1 §3.14).</summary>
public class DisconnectMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        { "3.1.1 DISCONNECT with a body byte (3.1.1 §3.14.2: no variable header)", "E0 01 00", V311, MalformedPacket },
        { "3.1.1 DISCONNECT with two body bytes (3.1.1 §3.14.3: no payload)", "E0 02 00 00", V311, MalformedPacket },
        { "3.1.1 DISCONNECT with reserved flags 0001 [MQTT-3.14.1-1]", "E1 00", V311, MalformedPacket },
        { "5.0 DISCONNECT with reserved flags 1000 [MQTT-3.14.1-1]", "E8 00", V500, MalformedPacket },
        { "reason 0x05 is not in Table 3-10 [MQTT-3.14.2-1]", "E0 01 05", V500, MalformedPacket },
        { "reason 0x18 is an AUTH code, not a DISCONNECT code [MQTT-3.14.2-1]", "E0 02 18 00", V500, MalformedPacket },
        { "Topic Alias (0x23) is not a DISCONNECT property (Table 2-4)", "E0 05 00 03 23 00 01", V500, MalformedPacket },
        { "Authentication Method (0x15) is not a DISCONNECT property (Table 2-4)", "E0 06 00 04 15 00 01 61", V500, MalformedPacket },
        { "property identifier 0x00 is not defined (Table 2-4)", "E0 03 00 01 00", V500, MalformedPacket },
        { "Reason String twice (5.0 §3.14.2.2.3)", "E0 0A 00 08 1F 00 01 61 1F 00 01 62", V500, ProtocolError },
        { "Session Expiry Interval twice (5.0 §3.14.2.2.2)", "E0 0C 00 0A 11 00 00 00 01 11 00 00 00 02", V500, ProtocolError },
        { "Server Reference twice (5.0 §3.14.2.2.5)", "E0 0A 9C 08 1C 00 01 61 1C 00 01 62", V500, ProtocolError },
        { "Property Length runs past the packet", "E0 03 00 05 1F", V500, MalformedPacket },
        { "Reason String length runs past the property block", "E0 05 00 03 1F 00 05", V500, MalformedPacket },
        { "Session Expiry Interval cut short inside the property block", "E0 05 00 03 11 00 00", V500, MalformedPacket },
        { "byte left over after the property block", "E0 03 00 00 00", V500, MalformedPacket },
        { "Reason String is not UTF-8 [MQTT-1.5.4-1]", "E0 06 00 04 1F 00 01 FF", V500, MalformedPacket },
        { "Property Length is a 5-byte variable byte integer [MQTT-1.5.5-1]", "E0 06 00 FF FF FF FF 01", V500, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadDisconnect_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }

    [Theory] // [MQTT-3.14.2-1] the sender MUST use a Table 3-10 code
    [InlineData(0x05)]
    [InlineData(0x18)] // AUTH's Continue authentication
    [InlineData(0x84)] // CONNACK-only Unsupported Protocol Version
    public void CodeNotInTable_Encoded_ProtocolError(byte code) =>
        Assert.Equal(ProtocolError, Rejection(new DisconnectPacket((MqttReasonCode)code), V500));

    [Fact] // 3.1.1 §3.14: a 3.1.1 DISCONNECT has no reason code to carry
    public void ReasonCode_V311Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new DisconnectPacket(ServerShuttingDown), V311));

    [Fact] // 3.1.1 §3.14: nor any properties
    public void Properties_V311Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new DisconnectPacket(Properties: new DisconnectProperties { SessionExpiryInterval = 0 }), V311));

    [Fact] // [MQTT-1.5.4-2] no U+0000 in a UTF-8 string
    public void ServerReferenceWithNullCharacter_Encoded_Malformed() =>
        Assert.Equal(MalformedPacket, Rejection(new DisconnectPacket(UseAnotherServer, new DisconnectProperties { ServerReference = "a\0b" }), V500));

    [Fact] // 5.0 §1.5.4: a string is at most 65,535 bytes
    public void ReasonStringLongerThan65535Bytes_Encoded_Malformed() =>
        Assert.Equal(MalformedPacket, Rejection(new DisconnectPacket(UnspecifiedError, new DisconnectProperties { ReasonString = new string('a', 65_536) }), V500));

    private static MqttReasonCode Rejection(DisconnectPacket packet, MqttProtocolVersion version)
    {
        var output = new ArrayBufferWriter<byte>();
        var ex = Assert.Throws<MqttProtocolException>(() => PacketEncoder.Write(output, packet, version));
        Assert.Equal(0, output.WrittenCount); // validation happens before the first byte
        return ex.ReasonCode;
    }
}
