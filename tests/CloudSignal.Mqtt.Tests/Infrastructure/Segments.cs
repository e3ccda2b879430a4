using System.Buffers;

namespace CloudSignal.Mqtt.Tests.Infrastructure;

/// <summary>Builds multi-segment sequences, to prove the decoder does not care where the network split the bytes.</summary>
internal static class Segments
{
    /// <summary>One sequence whose segments end at the given split points.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, params int[] splitPoints)
    {
        var points = splitPoints.Where(p => p > 0 && p < bytes.Length).Distinct().Order().ToList();
        if (points.Count == 0)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes.AsMemory(0, points[0]), 0);
        Segment last = first;
        for (int i = 0; i < points.Count; i++)
        {
            int end = i + 1 < points.Count ? points[i + 1] : bytes.Length;
            // Copy each piece into its own array, with guard bytes around it, so a read past a
            // segment's end sees 0xFF garbage instead of the next piece.
            last = last.Append(Guarded(bytes.AsSpan(points[i], end - points[i])));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every byte in a segment of its own.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes) =>
        Split(bytes, Enumerable.Range(1, Math.Max(0, bytes.Length - 1)).ToArray());

    /// <summary>The bytes inside an array with 0xFF guards on both sides.</summary>
    public static ReadOnlyMemory<byte> Guarded(ReadOnlySpan<byte> bytes)
    {
        var array = new byte[bytes.Length + 16];
        array.AsSpan().Fill(0xFF);
        bytes.CopyTo(array.AsSpan(8));
        return array.AsMemory(8, bytes.Length);
    }

    /// <summary>The segmentations every golden vector is decoded in.</summary>
    public static IEnumerable<(string Name, ReadOnlySequence<byte> Sequence)> Variants(byte[] bytes)
    {
        yield return ("contiguous", new ReadOnlySequence<byte>(bytes));
        yield return ("guarded", new ReadOnlySequence<byte>(Guarded(bytes)));
        for (int split = 1; split < bytes.Length; split++)
        {
            yield return ($"split at {split}", Split(bytes, split));
        }

        yield return ("one byte per segment", OneBytePerSegment(bytes));
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
