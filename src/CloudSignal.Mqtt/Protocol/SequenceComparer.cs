using System.Buffers;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>Content equality for byte sequences, whatever their segmentation.</summary>
internal static class SequenceComparer
{
    public static bool Equal(in ReadOnlySequence<byte> a, in ReadOnlySequence<byte> b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        if (a.IsSingleSegment && b.IsSingleSegment)
        {
            return a.FirstSpan.SequenceEqual(b.FirstSpan);
        }

        var left = new SequenceReader<byte>(a);
        var right = new SequenceReader<byte>(b);
        while (!left.End)
        {
            int n = Math.Min(left.UnreadSpan.Length, right.UnreadSpan.Length);
            if (!left.UnreadSpan[..n].SequenceEqual(right.UnreadSpan[..n]))
            {
                return false;
            }

            left.Advance(n);
            right.Advance(n);
        }

        return true;
    }
}
