using System.Buffers;
using CloudSignal.Mqtt.Fuzz;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.MqttProtocolVersion;

namespace CloudSignal.Mqtt.Tests.Fuzz;

/// <summary>
/// The first AFL++ run's four crashes (decoder target), kept as regressions. They were harness
/// bugs, not library bugs: each input is a CONNECT whose Protocol Level differs from the level the
/// harness decoded the connection at. CONNECT names its own level (a server reads it before it knows
/// the connection's), so the decoder reads it at that level, and the encoder refuses to write it at
/// another; the first oracle re-encoded at the connection's level and reported the refusal. The
/// oracle now re-encodes a CONNECT at its own level (Oracle.RoundTrip).
/// </summary>
public class AflHarnessFindingTests
{
    public static TheoryData<string, string, MqttProtocolVersion, MqttProtocolVersion> Findings => new()
    {
        {
            "id:000000, 51-byte segments: level-5 CONNECT with will, user name and password on a 3.1.1 connection",
            "64105700044D51545405EC001E17110000012C21000A27000010002200052600016B0001760006636C69656E7412180000000503000A746578742F646C61696E000677696C6C2F74000109000875736572406F72670003010203",
            V311, V500
        },
        {
            "id:000001, 6-byte segments: the same with keep alive 0x171E",
            "0A105700044D51545405EC171E17110000012C21000A27000010002200052600016B0001760006636C69656E7412180000000503000A746578742F706C61696E000677696C6C2F74000109000875736572406F72670003010203",
            V311, V500
        },
        {
            "id:000002, 119-byte segments: the same with client identifier \"clienX\"",
            "EC105700044D51545405EC001E17110000012C21000A27000010002200052600016B0001760006636C69656E5812180000000503000A746578742F706C61696E000677696C6C2F74000109000875736572406F72670003010203",
            V311, V500
        },
        {
            "id:000003, whole: level-4 CONNECT (client identifier \"c@\") on a 5.0 connection",
            "FF100E00044D5154540402003C00026340",
            V500, V311
        },
    };

    [Theory] // [MQTT-3.1.2-2] (3.1.1) / 5.0 §3.1.2.2: the Protocol Level is the CONNECT's own
    [MemberData(nameof(Findings))]
    public void ConnectOfTheOtherLevel_DecoderTarget_NoViolation(string finding, string hex, MqttProtocolVersion connection, MqttProtocolVersion level)
    {
        Assert.NotEmpty(finding);
        byte[] input = Convert.FromHexString(hex);
        Assert.Equal(connection, (input[0] & 1) == 0 ? V311 : V500);

        DecoderTarget.Run(input); // throws Oracle.Violation on any oracle failure

        // What the target saw: one whole CONNECT, read at its own level.
        var buffer = new ReadOnlySequence<byte>(input, 1, input.Length - 1);
        Assert.Equal(OperationStatus.Done, PacketDecoder.TryDecode(ref buffer, connection, Codec.NoLimit, out IMqttPacket? packet));
        Assert.True(buffer.IsEmpty);
        ConnectPacket connect = Assert.IsType<ConnectPacket>(packet);
        Assert.Equal(level, connect.ProtocolVersion);

        // At its own level it re-encodes to the very bytes; at the connection's it is refused.
        Assert.Equal(input[1..], Codec.Encode(connect, level));
        var refused = Assert.Throws<MqttProtocolException>(() => PacketEncoder.Write(new ArrayBufferWriter<byte>(), connect, connection));
        Assert.Equal(MqttReasonCode.ProtocolError, refused.ReasonCode);
    }
}
