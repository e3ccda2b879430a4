using System.Buffers;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Tests.Infrastructure;

/// <summary>Encode and decode helpers shared by the protocol tests.</summary>
internal static class Codec
{
    public const uint NoLimit = PacketScanner.ProtocolMaximumPacketSize;

    /// <summary>Encodes through a dirty, chunking buffer writer and checks the size the encoder reported.</summary>
    public static byte[] Encode<TPacket>(in TPacket packet, MqttProtocolVersion version)
        where TPacket : IMqttPacket
    {
        var output = new DirtyBufferWriter();
        int written = PacketEncoder.Write(output, packet, version);
        byte[] bytes = output.WrittenBytes;
        Assert.Equal(written, bytes.Length);
        Assert.Equal(PacketEncoder.GetSize(packet, version), bytes.Length);
        return bytes;
    }

    /// <summary>Decodes one packet that must take exactly <paramref name="bytes"/>.</summary>
    public static IMqttPacket Decode(byte[] bytes, MqttProtocolVersion version, uint maximumPacketSize = NoLimit) =>
        Decode(new ReadOnlySequence<byte>(bytes), version, maximumPacketSize);

    public static IMqttPacket Decode(ReadOnlySequence<byte> sequence, MqttProtocolVersion version, uint maximumPacketSize = NoLimit)
    {
        ReadOnlySequence<byte> buffer = sequence;
        OperationStatus status = PacketDecoder.TryDecode(ref buffer, version, maximumPacketSize, out IMqttPacket? packet);
        Assert.Equal(OperationStatus.Done, status);
        Assert.True(buffer.IsEmpty, $"{buffer.Length} byte(s) were left unread");
        return Assert.IsAssignableFrom<IMqttPacket>(packet);
    }

    /// <summary>Decodes <paramref name="bytes"/> in every segmentation and checks each gives <paramref name="expected"/>.</summary>
    public static void AssertDecodesInEverySegmentation(byte[] bytes, MqttProtocolVersion version, IMqttPacket expected)
    {
        foreach ((string name, ReadOnlySequence<byte> sequence) in Segments.Variants(bytes))
        {
            IMqttPacket actual = Decode(sequence, version);
            Assert.True(expected.Equals(actual), $"{name}: decoded {actual}, expected {expected}");
        }
    }

    /// <summary>
    /// The golden-vector check: <paramref name="packet"/> encodes to exactly <paramref name="wire"/>,
    /// and <paramref name="wire"/> followed by junk decodes, in every segmentation, to <paramref name="packet"/>
    /// while consuming exactly the packet's bytes.
    /// </summary>
    public static void AssertGolden<TPacket>(TPacket packet, MqttProtocolVersion version, byte[] wire)
        where TPacket : IMqttPacket
    {
        Assert.Equal(Convert.ToHexString(wire), Convert.ToHexString(Encode(packet, version)));
        AssertDecodesInEverySegmentation(wire, version, packet);

        byte[] withJunk = [.. wire, 0xDE, 0xAD];
        var buffer = new ReadOnlySequence<byte>(withJunk);
        Assert.Equal(OperationStatus.Done, PacketDecoder.TryDecode(ref buffer, version, NoLimit, out _));
        Assert.Equal(2, buffer.Length);
    }

    /// <summary>Asserts the bytes are rejected with <paramref name="expected"/> in every segmentation.</summary>
    public static MqttProtocolException AssertRejected(byte[] bytes, MqttProtocolVersion version, MqttReasonCode expected, uint maximumPacketSize = NoLimit)
    {
        MqttProtocolException? first = null;
        foreach ((string name, ReadOnlySequence<byte> sequence) in Segments.Variants(bytes))
        {
            ReadOnlySequence<byte> buffer = sequence;
            var ex = Assert.Throws<MqttProtocolException>(() => PacketDecoder.TryDecode(ref buffer, version, maximumPacketSize, out _));
            Assert.True(expected == ex.ReasonCode, $"{name}: expected {expected}, got {ex.ReasonCode}: {ex.Message}");
            first ??= ex;
        }

        return first!;
    }
}
