using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// The decoder's input, examined once per packet: its first span, and the array or segment
/// that span lies in, so <see cref="MqttReader"/> can cut strings and payloads straight from
/// it and <see cref="PacketDecoder"/> can step past the packet without the general (and
/// several times dearer) <see cref="ReadOnlySequence{T}.Slice(long)"/>.
/// </summary>
internal readonly ref struct PacketInput
{
    /// <summary>The memory is unknown (a <see cref="MemoryManager{T}"/>): slice the sequence.</summary>
    public const byte NoOrigin = 0;

    /// <summary><see cref="Origin"/> is the <c>byte[]</c> of an array-backed sequence (always one segment).</summary>
    public const byte ArrayOrigin = 1;

    /// <summary><see cref="Origin"/> is the first <see cref="ReadOnlySequenceSegment{T}"/> (a pipe's buffer).</summary>
    public const byte SegmentOrigin = 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PacketInput(scoped in ReadOnlySequence<byte> buffer)
    {
        Buffer = buffer;
        if (SequenceMarshal.TryGetArray(buffer, out ArraySegment<byte> array))
        {
            First = array.AsSpan();
            Origin = array.Array;
            OriginStart = array.Offset;
            OriginKind = ArrayOrigin;
        }
        else
        {
            First = buffer.FirstSpan;
            OriginKind = TryGetOrigin(buffer, out object? origin, out int start);
            Origin = origin;
            OriginStart = start;
        }
    }

    public ReadOnlySequence<byte> Buffer { get; }

    public ReadOnlySpan<byte> First { get; }

    /// <summary>What <see cref="First"/> lies in; see <see cref="OriginKind"/>.</summary>
    public object? Origin { get; }

    /// <summary>Where <see cref="First"/> starts in <see cref="Origin"/>.</summary>
    public int OriginStart { get; }

    public byte OriginKind { get; }

    /// <summary>The input after its first <paramref name="length"/> bytes (a whole packet).</summary>
    public ReadOnlySequence<byte> Skip(int length) =>
        OriginKind == ArrayOrigin
            ? new ReadOnlySequence<byte>(Unsafe.As<byte[]>(Origin)!, OriginStart + length, First.Length - length)
            : Buffer.Slice(length);

    /// <summary>The array or segment whose memory <paramref name="sequence"/> starts in, and where.</summary>
    public static byte TryGetOrigin(in ReadOnlySequence<byte> sequence, out object? origin, out int start)
    {
        if (SequenceMarshal.TryGetArray(sequence, out ArraySegment<byte> array))
        {
            origin = array.Array;
            start = array.Offset;
            return ArrayOrigin;
        }

        if (SequenceMarshal.TryGetReadOnlySequenceSegment(sequence, out ReadOnlySequenceSegment<byte>? segment, out start, out _, out _))
        {
            origin = segment;
            return SegmentOrigin;
        }

        origin = null;
        start = 0;
        return NoOrigin;
    }
}
