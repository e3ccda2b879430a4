using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol;

/// <summary>The variable byte integer table, 5.0 §1.5.5 Table 1-1 (3.1.1 §2.2.3 Table 2.4).</summary>
public class VariableByteIntegerTests
{
    public static TheoryData<int, string> SpecTable => new()
    {
        { 0, "00" },               // 1 digit, from
        { 127, "7F" },             // 1 digit, to
        { 128, "8001" },           // 2 digits, from
        { 16_383, "FF7F" },        // 2 digits, to
        { 16_384, "808001" },      // 3 digits, from
        { 2_097_151, "FFFF7F" },   // 3 digits, to
        { 2_097_152, "80808001" }, // 4 digits, from
        { 268_435_455, "FFFFFF7F" }, // 4 digits, to
        { 321, "C102" },           // 321 = 65 + 2*128
    };

    [Theory] // [MQTT-1.5.5-1] minimum number of bytes
    [MemberData(nameof(SpecTable))]
    public void SpecTableValue_Written_MatchesTableBytes(int value, string hex)
    {
        Span<byte> buffer = stackalloc byte[4];
        int written = VariableByteInteger.Write(buffer, value);
        Assert.Equal(hex, Convert.ToHexString(buffer[..written]));
        Assert.Equal(written, VariableByteInteger.GetSize(value));
    }

    [Theory]
    [MemberData(nameof(SpecTable))]
    public void SpecTableBytes_Read_GiveTableValue(int value, string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        foreach ((string name, ReadOnlySequence<byte> sequence) in Segments.Variants(bytes))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.True(VariableByteInteger.TryRead(ref reader, "test", 0, out int read), name);
            Assert.Equal(value, read);
            Assert.Equal(bytes.Length, reader.Consumed);
        }
    }

    [Theory] // 3.1.1 §2.2.3: the Remaining Length in a real header, across the 1/2-byte boundary
    [InlineData(127, "307F")]
    [InlineData(128, "308001")]
    public void PublishOfRemainingLength_Encoded_HeaderUsesVbi(int remainingLength, string headerHex)
    {
        // Topic "t" (3 bytes) + payload fills the rest.
        var packet = new PublishPacket { TopicName = "t", Payload = new byte[remainingLength - 3] };
        byte[] wire = Codec.Encode(packet, MqttProtocolVersion.V311);
        Assert.StartsWith(headerHex, Convert.ToHexString(wire), StringComparison.Ordinal);
        Assert.Equal(packet, Codec.Decode(wire, MqttProtocolVersion.V311));
    }

    [Fact]
    public void TruncatedInteger_Read_ReportsIncomplete()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(new byte[] { 0x80, 0x80 }));
        Assert.False(VariableByteInteger.TryRead(ref reader, "test", 0, out _));
    }
}
