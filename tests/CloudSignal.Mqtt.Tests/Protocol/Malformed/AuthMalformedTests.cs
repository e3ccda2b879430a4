using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using static CloudSignal.Mqtt.MqttProtocolVersion;
using static CloudSignal.Mqtt.MqttReasonCode;

namespace CloudSignal.Mqtt.Tests.Protocol.Malformed;

/// <summary>AUTH violations, decoding and encoding (5.0 §3.15; type 15 is reserved in 3.1.1).</summary>
public class AuthMalformedTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttReasonCode> Cases => new()
    {
        { "AUTH in 3.1.1: packet type 15 is reserved (3.1.1 §2.2.1, Table 2.1)", "F0 00", V311, MalformedPacket },
        { "AUTH with reserved flags 0001 [MQTT-3.15.1-1]", "F1 00", V500, MalformedPacket },
        { "reason 0x01 is not in Table 3-11 [MQTT-3.15.2-1]", "F0 02 01 00", V500, MalformedPacket },
        { "reason 0x04 is a DISCONNECT code, not an AUTH code [MQTT-3.15.2-1]", "F0 02 04 00", V500, MalformedPacket },
        { "reason code without Property Length: only Remaining Length 0 omits it (5.0 §3.15.2.1)", "F0 01 18", V500, MalformedPacket },
        { "Success without Property Length (5.0 §3.15.2.1)", "F0 01 00", V500, MalformedPacket },
        { "Authentication Method twice (5.0 §3.15.2.2.2)", "F0 0C 18 0A 15 00 02 58 31 15 00 02 58 32", V500, ProtocolError },
        { "Authentication Data twice (5.0 §3.15.2.2.3)", "F0 0E 18 0C 15 00 01 58 16 00 01 01 16 00 01 02", V500, ProtocolError },
        { "Reason String twice (5.0 §3.15.2.2.4)", "F0 0E 18 0C 15 00 01 58 1F 00 01 61 1F 00 01 62", V500, ProtocolError },
        { "Authentication Data without Authentication Method (5.0 §3.15.2.2.2)", "F0 07 18 05 16 00 02 01 02", V500, ProtocolError },
        { "Success with Authentication Data but no Method (5.0 §3.15.2.2.2)", "F0 07 00 05 16 00 02 01 02", V500, ProtocolError },
        { "Continue authentication without properties (5.0 §3.15.2.2.2)", "F0 02 18 00", V500, ProtocolError },
        { "Re-authenticate with only a Reason String (5.0 §3.15.2.2.2, §4.12.1)", "F0 06 19 04 1F 00 01 61", V500, ProtocolError },
        { "Session Expiry Interval (0x11) is not an AUTH property (Table 2-4)", "F0 0B 18 09 15 00 01 58 11 00 00 00 01", V500, MalformedPacket },
        { "Property Length runs past the packet", "F0 03 18 09 15", V500, MalformedPacket },
        { "Authentication Data length runs past the property block", "F0 09 18 07 15 00 01 58 16 00 09", V500, MalformedPacket },
        { "byte left over after the property block", "F0 07 18 04 15 00 01 58 00", V500, MalformedPacket },
        { "Authentication Method is not UTF-8 [MQTT-1.5.4-1]", "F0 06 18 04 15 00 01 C0", V500, MalformedPacket },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadAuth_Decoded_Rejected(string why, string hex, MqttProtocolVersion version, MqttReasonCode expected)
    {
        Assert.NotEmpty(why);
        MalformedCase.AssertRejected(hex, version, expected);
    }

    [Fact] // 3.1.1 §2.2.1: there is no AUTH to send in 3.1.1
    public void Auth_V311Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(default, V311));

    [Theory] // [MQTT-3.15.2-1] the sender MUST use a Table 3-11 code
    [InlineData(0x01)]
    [InlineData(0x04)] // DISCONNECT's Disconnect with Will Message
    [InlineData(0x87)] // Not authorized belongs to CONNACK/DISCONNECT
    public void CodeNotInTable_Encoded_ProtocolError(byte code) =>
        Assert.Equal(ProtocolError, Rejection(new AuthPacket((MqttReasonCode)code, new AuthProperties { AuthenticationMethod = "m" }), V500));

    [Theory] // 5.0 §3.15.2.2.2: only Success without properties may leave out the method
    [InlineData(0x18)]
    [InlineData(0x19)]
    public void NoMethod_Encoded_ProtocolError(byte code) =>
        Assert.Equal(ProtocolError, Rejection(new AuthPacket((MqttReasonCode)code), V500));

    [Fact] // 5.0 §3.15.2.2.2: Authentication Data means nothing without a method
    public void DataWithoutMethod_Encoded_ProtocolError() =>
        Assert.Equal(ProtocolError, Rejection(new AuthPacket(Success, new AuthProperties { AuthenticationData = new byte[] { 1 } }), V500));

    [Fact] // 5.0 §1.5.6: Binary Data is at most 65,535 bytes
    public void DataLongerThan65535Bytes_Encoded_Malformed() =>
        Assert.Equal(
            MalformedPacket,
            Rejection(new AuthPacket(ContinueAuthentication, new AuthProperties { AuthenticationMethod = "m", AuthenticationData = new byte[65_536] }), V500));

    // Built from a char code: xunit's theory serialisation would replace a lone surrogate with U+FFFD.
    [Fact] // [MQTT-1.5.4-1] no surrogate code points
    public void MethodWithLoneSurrogate_Encoded_Malformed() =>
        Assert.Equal(
            MalformedPacket,
            Rejection(new AuthPacket(ContinueAuthentication, new AuthProperties { AuthenticationMethod = "m" + (char)0xD800 }), V500));

    private static MqttReasonCode Rejection(AuthPacket packet, MqttProtocolVersion version)
    {
        var output = new ArrayBufferWriter<byte>();
        var ex = Assert.Throws<MqttProtocolException>(() => PacketEncoder.Write(output, packet, version));
        Assert.Equal(0, output.WrittenCount); // validation happens before the first byte
        return ex.ReasonCode;
    }
}
