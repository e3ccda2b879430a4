using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;
using CloudSignal.Mqtt.Tests.Infrastructure.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Property = FsCheck.Property;

namespace CloudSignal.Mqtt.Tests.Protocol.Properties;

/// <summary>
/// Properties every packet type must have, for both protocol levels: the codec round-trips,
/// a partial packet is "need more data" and never an error, and segmentation never matters.
/// </summary>
public class CodecProperties
{
    private const int Tests = 300;

    internal static Arbitrary<(MqttProtocolVersion Version, IMqttPacket Packet)> AnyPacket() =>
        Arb.From(
            from version in Gen.Elements(MqttProtocolVersion.V311, MqttProtocolVersion.V500)
            from packet in PacketGen.Any(version)
            select (version, packet));

    [Property(MaxTest = Tests)]
    public Property AnyPacket_EncodedThenDecoded_EqualsOriginal() =>
        Prop.ForAll(AnyPacket(), c =>
        {
            byte[] wire = EncodeBoxed(c.Packet, c.Version);
            IMqttPacket decoded = Codec.Decode(wire, c.Version);
            return decoded.Equals(c.Packet)
                .Label($"decoded {decoded}\nexpected {c.Packet}");
        });

    [Property(MaxTest = Tests)]
    public Property AnyPacket_DecodedThenReencoded_GivesSameBytes() =>
        Prop.ForAll(AnyPacket(), c =>
        {
            byte[] wire = EncodeBoxed(c.Packet, c.Version);
            byte[] again = EncodeBoxed(Codec.Decode(wire, c.Version), c.Version);
            return wire.AsSpan().SequenceEqual(again);
        });

    [Property(MaxTest = Tests)]
    public Property EveryStrictPrefix_Decoded_NeedsMoreDataAndConsumesNothing() =>
        Prop.ForAll(AnyPacket(), c =>
        {
            byte[] wire = EncodeBoxed(c.Packet, c.Version);
            // Every prefix for small packets; for big ones, the header region and a sample of the rest.
            IEnumerable<int> lengths = wire.Length <= 2048
                ? Enumerable.Range(0, wire.Length)
                : Enumerable.Range(0, 64).Concat(Enumerable.Range(1, 200).Select(i => (int)((long)i * (wire.Length - 1) / 200)));
            foreach (int length in lengths)
            {
                var buffer = new ReadOnlySequence<byte>(wire, 0, length);
                if (PacketDecoder.TryDecode(ref buffer, c.Version, Codec.NoLimit, out IMqttPacket? _) != OperationStatus.NeedMoreData ||
                    buffer.Length != length)
                {
                    return false.Label($"prefix of {length} of {wire.Length} bytes");
                }
            }

            return true.ToProperty();
        });

    [Property(MaxTest = Tests)]
    public Property AnyPacket_SplitAtRandomPoints_DecodesTheSame() =>
        Prop.ForAll(
            AnyPacket(),
            Arb.From(Gen.ListOf(Gen.Choose(1, 100_000))),
            (c, rawPoints) =>
            {
                byte[] wire = EncodeBoxed(c.Packet, c.Version);
                int[] points = rawPoints.Select(p => p % Math.Max(1, wire.Length)).ToArray();
                IMqttPacket decoded = Codec.Decode(Segments.Split(wire, points), c.Version);
                return decoded.Equals(c.Packet).Label($"split at {string.Join(",", points)}");
            });

    [Property(MaxTest = 100)]
    public Property VariableByteInteger_WrittenThenRead_RoundTrips() =>
        Prop.ForAll(Arb.From(PrimitiveGen.Vbi), value =>
        {
            byte[] buffer = new byte[4];
            int written = VariableByteInteger.Write(buffer, value);
            var reader = new SequenceReader<byte>(Segments.OneBytePerSegment(buffer[..written]));
            return VariableByteInteger.TryRead(ref reader, "v", 0, out int read) && read == value &&
                   written == VariableByteInteger.GetSize(value) && reader.End;
        });

    /// <summary>Encodes a boxed packet through the generic encoder (a dispatch per type keeps it unboxed inside).</summary>
    internal static byte[] EncodeBoxed(IMqttPacket packet, MqttProtocolVersion version)
    {
        var output = new DirtyBufferWriter();
        PacketEncoder.Write(output, packet, version);
        return output.WrittenBytes;
    }
}
