using System.Buffers;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// Fuzz target 1: the packet decoder on arbitrary bytes. The first input byte picks the protocol
/// level and how the rest is cut into segments (short reads); the rest is a stream of packets.
/// Oracle: each step is Done (exactly one packet consumed), NeedMoreData, or
/// <see cref="MqttProtocolException"/>; a decoded packet re-encodes and decodes to itself; and no
/// step allocates in proportion to a length the input merely claims (see <see cref="AllocationBound"/>).
/// Anything else escapes and is a crash.
/// </summary>
internal static class DecoderTarget
{
    private const uint MaximumPacketSize = 1 << 20;

    public static void Run(ReadOnlySpan<byte> input) => Run(input, null);

    public static void Run(ReadOnlySpan<byte> input, DecoderStats? stats)
    {
        if (input.IsEmpty)
        {
            return;
        }

        MqttProtocolVersion version = (input[0] & 1) == 0 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500;
        int segment = 1 + (input[0] >> 1);
        ReadOnlySequence<byte> buffer = Segments.Split(input[1..].ToArray(), segment);
        while (!buffer.IsEmpty)
        {
            long before = buffer.Length;
            ReadOnlySequence<byte> start = buffer;
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            OperationStatus status = Decode(ref buffer, version, out IMqttPacket? packet);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            if (!AllocationBound.Allows(status, before, allocated))
            {
                // A first run of a path may allocate once (type loading, static tables): only a
                // repeat that allocates as much again is a violation.
                ReadOnlySequence<byte> again = start;
                allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                Decode(ref again, version, out _);
                allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                Oracle.Check(AllocationBound.Allows(status, before, allocated),
                    $"decoding {before} bytes ({status}) allocated {allocated} bytes; the bound is {AllocationBound.For(status, before)}");
            }

            stats?.Record(status, allocated);
            if (status != OperationStatus.Done)
            {
                Oracle.Check(status == OperationStatus.InvalidData || buffer.Length == before, "NeedMoreData consumed input");
                return;
            }

            Oracle.Check(buffer.Length < before, "Done consumed nothing");
            Oracle.RoundTrip(packet!, version);
        }
    }

    /// <summary>One decoder step; a rejection (the only exception allowed) reads as <see cref="OperationStatus.InvalidData"/>.</summary>
    private static OperationStatus Decode(ref ReadOnlySequence<byte> buffer, MqttProtocolVersion version, out IMqttPacket? packet)
    {
        try
        {
            OperationStatus status = PacketDecoder.TryDecode(ref buffer, version, MaximumPacketSize, out packet);
            Oracle.Check(status is OperationStatus.Done or OperationStatus.NeedMoreData, $"TryDecode returned {status}");
            Oracle.Check(status != OperationStatus.Done || packet is not null, "Done without a packet");
            return status;
        }
        catch (MqttProtocolException)
        {
            packet = null;
            return OperationStatus.InvalidData;
        }
    }
}
