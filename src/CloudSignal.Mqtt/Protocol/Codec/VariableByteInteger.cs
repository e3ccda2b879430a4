using System.Buffers;
using System.Runtime.CompilerServices;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Variable Byte Integer: 7 bits per byte, low group first, high bit = "more follows"
/// (MQTT 5.0 §1.5.5, 3.1.1 §2.2.3). At most 4 bytes, so at most 268,435,455.
/// </summary>
internal static class VariableByteInteger
{
    public const int MaxValue = 268_435_455;
    public const int MaxSize = 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetSize(int value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        _ => 4,
    };

    /// <summary>Writes <paramref name="value"/> (0 … 268,435,455) and returns the bytes used.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, int value)
    {
        if (value < 128)
        {
            destination[0] = (byte)value;
            return 1;
        }

        return WriteSlow(destination, value);
    }

    private static int WriteSlow(Span<byte> destination, int value)
    {
        int i = 0;
        uint v = (uint)value;
        do
        {
            byte digit = (byte)(v & 0x7F);
            v >>= 7;
            destination[i++] = v > 0 ? (byte)(digit | 0x80) : digit;
        }
        while (v > 0);
        return i;
    }

    /// <summary>
    /// As <see cref="TryRead(ref SequenceReader{byte}, string, long, out int)"/>, from a span:
    /// <paramref name="consumed"/> is the bytes used (0 when this returns false).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ReadOnlySpan<byte> source, string field, long offset, out int value, out int consumed)
    {
        // One byte covers 0 … 127: every PINGREQ, acknowledgement and small PUBLISH.
        if (!source.IsEmpty && source[0] < 0x80)
        {
            value = source[0];
            consumed = 1;
            return true;
        }

        return TryReadSlow(source, field, offset, out value, out consumed);
    }

    private static bool TryReadSlow(ReadOnlySpan<byte> source, string field, long offset, out int value, out int consumed)
    {
        value = 0;
        consumed = 0;
        int shift = 0;
        for (int i = 0; i < MaxSize; i++)
        {
            if (i >= source.Length)
            {
                value = 0;
                return false;
            }

            byte b = source[i];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && i > 0)
                {
                    ThrowHelper.Malformed(field, offset, "variable byte integer is not in its minimal form");
                }

                consumed = i + 1;
                return true;
            }

            shift += 7;
        }

        ThrowHelper.Malformed(field, offset, "variable byte integer is longer than 4 bytes");
        return false;
    }

    /// <summary>
    /// Reads one integer. Returns false when the input ends before the last byte. Throws 0x81
    /// for a fifth byte or a non-minimal encoding [MQTT-1.5.5-1].
    /// </summary>
    public static bool TryRead(ref SequenceReader<byte> reader, string field, long offset, out int value)
    {
        value = 0;
        int shift = 0;
        for (int i = 0; i < MaxSize; i++)
        {
            if (!reader.TryRead(out byte b))
            {
                return false;
            }

            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                // A last byte of 0 after a continuation byte adds nothing: a shorter form existed.
                if (b == 0 && i > 0)
                {
                    ThrowHelper.Malformed(field, offset, "variable byte integer is not in its minimal form");
                }

                return true;
            }

            shift += 7;
        }

        ThrowHelper.Malformed(field, offset, "variable byte integer is longer than 4 bytes");
        return false;
    }
}
