using System.Buffers;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>Cuts bytes into a multi-segment sequence, as short socket reads deliver them.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentLength) => Range(bytes, 0, bytes.Length, segmentLength);

    /// <summary>
    /// <paramref name="bytes"/>[<paramref name="start"/>..<paramref name="end"/>) cut where reads of
    /// <paramref name="segmentLength"/> bytes from the start of <paramref name="bytes"/> ended: what
    /// a pipe holds when a packet left over from earlier reads meets the latest one.
    /// </summary>
    public static ReadOnlySequence<byte> Range(byte[] bytes, int start, int end, int segmentLength)
    {
        int cut = Math.Min(end, ((start / segmentLength) + 1) * segmentLength);
        if (cut >= end)
        {
            return new ReadOnlySequence<byte>(bytes, start, end - start);
        }

        var first = new Segment(bytes.AsMemory(start, cut - start), 0);
        Segment last = first;
        for (int offset = cut; offset < end; offset += segmentLength)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(segmentLength, end - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
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
}
