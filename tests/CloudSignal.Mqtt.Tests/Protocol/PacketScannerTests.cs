using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol;

/// <summary>Packet boundaries, "need more data", and the maximum packet size (5.0 §2.1.4, §3.1.2.11.4).</summary>
public class PacketScannerTests
{
    [Fact]
    public void EveryStrictPrefix_Decoded_ReportsNeedMoreDataAndConsumesNothing()
    {
        byte[] wire = Codec.Encode(new PublishPacket { TopicName = "a/b", Qos = MqttQos.AtLeastOnce, PacketIdentifier = 7, Payload = new byte[200] }, MqttProtocolVersion.V500);
        for (int length = 0; length < wire.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(wire, 0, length);
            Assert.Equal(OperationStatus.NeedMoreData, PacketDecoder.TryDecode(ref buffer, MqttProtocolVersion.V500, Codec.NoLimit, out IMqttPacket? packet));
            Assert.Null(packet);
            Assert.Equal(length, buffer.Length);
        }
    }

    [Fact]
    public void TwoPacketsInOneBuffer_Decoded_ConsumesExactlyOneEachTime()
    {
        byte[] first = Codec.Encode(new PubAckPacket(1), MqttProtocolVersion.V311);
        byte[] second = Codec.Encode(new PublishPacket { TopicName = "x", Payload = new byte[] { 1, 2, 3 } }, MqttProtocolVersion.V311);
        var buffer = new ReadOnlySequence<byte>([.. first, .. second]);

        Assert.Equal(OperationStatus.Done, PacketDecoder.TryDecode(ref buffer, MqttProtocolVersion.V311, Codec.NoLimit, out IMqttPacket? a));
        Assert.Equal(second.Length, buffer.Length);
        Assert.Equal(OperationStatus.Done, PacketDecoder.TryDecode(ref buffer, MqttProtocolVersion.V311, Codec.NoLimit, out IMqttPacket? b));
        Assert.True(buffer.IsEmpty);
        Assert.Equal(new PubAckPacket(1), a);
        Assert.IsType<PublishPacket>(b);
    }

    [Fact] // 5.0 §2.1.4: a header that claims more than the maximum is refused from the header alone
    public void MaximumClaimWithOnlyHeaderPresent_Decoded_RejectsWithPacketTooLargeBeforeBuffering()
    {
        byte[] header = [0x30, 0xFF, 0xFF, 0xFF, 0x7F]; // PUBLISH claiming 268,435,455 bytes
        var ex = Codec.AssertRejected(header, MqttProtocolVersion.V500, MqttReasonCode.PacketTooLarge, maximumPacketSize: 1024);
        Assert.Contains("268435460", ex.Message.Replace(",", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void MaximumClaimUnderProtocolLimit_Scanned_NeedsMoreDataWithoutAllocating()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x30, 0xFF, 0xFF, 0xFF, 0x7F });
        PacketScanner.TryScan(buffer, MqttProtocolVersion.V500, Codec.NoLimit, out _); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        OperationStatus status = PacketScanner.TryScan(buffer, MqttProtocolVersion.V500, Codec.NoLimit, out FixedHeader header);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(OperationStatus.NeedMoreData, status);
        Assert.Equal(268_435_455, header.RemainingLength);
        Assert.Equal(268_435_460, header.PacketLength);
        Assert.Equal(0, allocated);
    }

    [Fact] // the limit counts the whole packet, fixed header included (5.0 §3.1.2.11.4)
    public void PacketExactlyAtMaximum_Decoded_IsAcceptedAndOneMoreByteIsNot()
    {
        byte[] wire = Codec.Encode(new PublishPacket { TopicName = "t", Payload = new byte[10] }, MqttProtocolVersion.V311);
        Assert.IsType<PublishPacket>(Codec.Decode(wire, MqttProtocolVersion.V311, maximumPacketSize: (uint)wire.Length));
        Codec.AssertRejected(wire, MqttProtocolVersion.V311, MqttReasonCode.PacketTooLarge, maximumPacketSize: (uint)wire.Length - 1);
    }

    [Fact]
    public void PacketAboveMaximum_Encoded_ThrowsPacketTooLarge()
    {
        var packet = new PublishPacket { TopicName = "t", Payload = new byte[100] };
        var ex = Assert.Throws<MqttProtocolException>(() => PacketEncoder.Write(new ArrayBufferWriter<byte>(), packet, MqttProtocolVersion.V500, maximumPacketSize: 50));
        Assert.Equal(MqttReasonCode.PacketTooLarge, ex.ReasonCode);
    }

    [Fact]
    public void EmptyBuffer_Decoded_NeedsMoreData()
    {
        var buffer = ReadOnlySequence<byte>.Empty;
        Assert.Equal(OperationStatus.NeedMoreData, PacketDecoder.TryDecode(ref buffer, MqttProtocolVersion.V311, Codec.NoLimit, out _));
    }
}
