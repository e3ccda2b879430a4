using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol;

/// <summary>
/// The decoder slices strings and payloads straight from the array or segment a contiguous
/// packet lies in, and falls back to <see cref="ReadOnlySequence{T}.Slice(long, long)"/> for
/// anything else. Every kind of input sequence must decode to the same packets.
/// </summary>
public class DecoderInputShapeTests
{
    private static readonly PublishPacket Publish = new()
    {
        Qos = MqttQos.AtLeastOnce,
        TopicName = "devices/sensor-0042/telemetry",
        PacketIdentifier = 42,
        Properties = new PublishPacketProperties
        {
            ContentType = "application/json",
            CorrelationData = new byte[] { 1, 2, 3 },
            UserProperties = new UserProperty[] { new("trace-id", "4bf92f35"), new("tenant", "acme") },
        },
        Payload = "{\"t\":21.5}"u8.ToArray(),
    };

    private static readonly PubAckPacket PubAck =
        new(7, MqttReasonCode.NoMatchingSubscribers, new AckProperties { ReasonString = "nobody", UserProperties = new UserProperty[] { new("k", "v") } });

    public static TheoryData<string> Shapes() => ["array", "array at an offset", "one segment", "first of several segments", "memory manager"];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TwoPackets_DecodedFromEachSequenceShape_EqualTheEncodedPackets(string shape)
    {
        byte[] publish = Codec.Encode(Publish, MqttProtocolVersion.V500);
        byte[] pubAck = Codec.Encode(PubAck, MqttProtocolVersion.V500);
        ReadOnlySequence<byte> buffer = Build(shape, [.. publish, .. pubAck]);

        Assert.Equal(OperationStatus.Done, PacketDecoder.TryDecode(ref buffer, MqttProtocolVersion.V500, Codec.NoLimit, out IMqttPacket? first));
        Assert.Equal(OperationStatus.Done, PacketDecoder.TryDecode(ref buffer, MqttProtocolVersion.V500, Codec.NoLimit, out IMqttPacket? second));

        Assert.True(buffer.IsEmpty);
        PublishPacket decoded = Assert.IsType<PublishPacket>(first);
        Assert.Equal(Publish, decoded);
        Assert.Equal("devices/sensor-0042/telemetry", decoded.TopicName.ToString());
        Assert.Equal("{\"t\":21.5}"u8.ToArray(), decoded.Payload.ToArray());
        Assert.Equal(PubAck, Assert.IsType<PubAckPacket>(second));
    }

    private static ReadOnlySequence<byte> Build(string shape, byte[] bytes)
    {
        switch (shape)
        {
            case "array":
                return new ReadOnlySequence<byte>(bytes);
            case "array at an offset":
                byte[] padded = [0xFF, 0xFF, 0xFF, .. bytes, 0xFF];
                return new ReadOnlySequence<byte>(padded, 3, bytes.Length);
            case "one segment":
                var only = new Segment(Segments.Guarded(bytes), 0);
                return new ReadOnlySequence<byte>(only, 0, only, bytes.Length);
            case "first of several segments":
                // Both packets lie wholly in the first segment; the last byte is in a second one.
                var head = new Segment(Segments.Guarded(bytes.AsSpan(0, bytes.Length - 1)), 0);
                Segment tail = head.Append(Segments.Guarded(bytes.AsSpan(bytes.Length - 1)));
                return new ReadOnlySequence<byte>(head, 0, tail, 1);
            default:
                return new ReadOnlySequence<byte>(new ArrayMemoryManager(bytes).Memory);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    /// <summary>Memory that is neither an array nor a segment, as a pooled native buffer would be.</summary>
    private sealed class ArrayMemoryManager(byte[] bytes) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => bytes;

        public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
