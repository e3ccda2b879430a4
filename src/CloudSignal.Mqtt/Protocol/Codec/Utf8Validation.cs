using System.Buffers;
using System.Text.Unicode;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// The UTF-8 rules for MQTT strings (5.0 §1.5.4, 3.1.1 §1.5.3): well-formed UTF-8, no
/// surrogate code points (ill-formed in UTF-8 anyway), and no U+0000.
/// </summary>
internal static class Utf8Validation
{
    /// <summary>True when the bytes are well-formed UTF-8 without U+0000 [MQTT-1.5.4-1], [MQTT-1.5.4-2].</summary>
    public static bool IsValid(ReadOnlySpan<byte> utf8) =>
        utf8.IndexOf((byte)0) < 0 && Utf8.IsValid(utf8);

    /// <summary>As <see cref="IsValid(ReadOnlySpan{byte})"/>, for bytes that may span segments.</summary>
    public static bool IsValid(in ReadOnlySequence<byte> utf8)
    {
        if (utf8.IsSingleSegment)
        {
            return IsValid(utf8.FirstSpan);
        }

        // A code point may straddle segments: validate a contiguous copy. Strings are at most
        // 65,535 bytes, so the pool's buffer is bounded.
        int length = (int)utf8.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            utf8.CopyTo(rented);
            return IsValid(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Counts the UTF-8 bytes of a .NET string, or returns -1 when it holds U+0000 or a lone
    /// surrogate (which <see cref="System.Text.Encoding.UTF8"/> would silently replace).
    /// </summary>
    public static int GetByteCount(ReadOnlySpan<char> text)
    {
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x80)
            {
                if (c == 0)
                {
                    return -1;
                }

                count += 1;
            }
            else if (c < 0x800)
            {
                count += 2;
            }
            else if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return -1;
                }

                i++;
                count += 4;
            }
            else if (char.IsLowSurrogate(c))
            {
                return -1;
            }
            else
            {
                count += 3;
            }
        }

        return count;
    }
}
