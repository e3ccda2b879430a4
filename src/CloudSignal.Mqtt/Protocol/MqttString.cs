using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// An MQTT UTF-8 string field (5.0 §1.5.4). Either a .NET string given by the application
/// (encoded straight into the output buffer), or validated UTF-8 bytes sliced from a decoded
/// packet (no copy; a <see cref="string"/> is made only by <see cref="ToString"/>).
/// Equality compares the characters, whichever form each side has.
/// </summary>
internal readonly struct MqttString : IEquatable<MqttString>
{
    private readonly string? _text;
    private readonly ReadOnlySequence<byte> _utf8;

    // UTF-8 length of the content, or -1 when _text holds U+0000 or a lone surrogate.
    private readonly int _byteCount;

    public MqttString(string text)
    {
        _text = text;
        _utf8 = default;
        _byteCount = Utf8Validation.GetByteCount(text);
    }

    /// <summary>Wraps bytes already checked by <see cref="Utf8Validation"/>.</summary>
    private MqttString(in ReadOnlySequence<byte> validatedUtf8, int byteCount)
    {
        _text = null;
        _utf8 = validatedUtf8;
        _byteCount = byteCount;
    }

    public static MqttString Empty => default;

    /// <summary>Length in UTF-8 bytes; -1 when the text cannot be sent (U+0000 or a lone surrogate).</summary>
    public int ByteCount => _byteCount;

    public bool IsEmpty => _byteCount == 0;

    /// <summary>True when this string is a slice of a decoded packet rather than a .NET string.</summary>
    public bool IsSlice => _text is null;

    /// <summary>The bytes, for a slice. A text-backed string is encoded (and so allocates).</summary>
    public ReadOnlySequence<byte> Utf8 => _text is null ? _utf8 : new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(_text));

    public static implicit operator MqttString(string text) => new(text);

    internal static MqttString FromValidatedUtf8(in ReadOnlySequence<byte> utf8) => new(utf8, (int)utf8.Length);

    /// <summary>As above, when the caller knows the length (<paramref name="byteCount"/> == <c>utf8.Length</c>).</summary>
    internal static MqttString FromValidatedUtf8(in ReadOnlySequence<byte> utf8, int byteCount) => new(utf8, byteCount);

    /// <summary>Encodes into <paramref name="destination"/>, which holds at least <see cref="ByteCount"/> bytes.</summary>
    public void CopyTo(Span<byte> destination)
    {
        if (_text is not null)
        {
            // A byte count equal to the length means every char is ASCII: narrow it directly.
            // Otherwise transcode. Both skip Encoding's virtual dispatch and argument checks,
            // which dominate for the short strings MQTT carries.
            if (_byteCount == _text.Length)
            {
                Ascii.FromUtf16(_text, destination, out _);
            }
            else
            {
                System.Text.Unicode.Utf8.FromUtf16(_text, destination, out _, out _);
            }
        }
        else
        {
            _utf8.CopyTo(destination);
        }
    }

    /// <summary>True when the string holds any of the two ASCII characters (e.g. the wildcards '+' and '#').</summary>
    public bool ContainsAny(char a, char b)
    {
        if (_text is not null)
        {
            return _text.AsSpan().IndexOfAny(a, b) >= 0;
        }

        return _utf8.IsSingleSegment
            ? _utf8.FirstSpan.IndexOfAny((byte)a, (byte)b) >= 0
            : SegmentsContainAny(_utf8, (byte)a, (byte)b);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool SegmentsContainAny(in ReadOnlySequence<byte> utf8, byte a, byte b)
    {
        foreach (ReadOnlyMemory<byte> segment in utf8)
        {
            if (segment.Span.IndexOfAny(a, b) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() =>
        _text ?? (_utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(_utf8));

    public bool Equals(MqttString other)
    {
        if (_byteCount != other._byteCount)
        {
            return false;
        }

        if (_text is not null && other._text is not null)
        {
            return string.Equals(_text, other._text, StringComparison.Ordinal);
        }

        return SequenceComparer.Equal(Utf8, other.Utf8);
    }

    public override bool Equals(object? obj) => obj is MqttString other && Equals(other);

    public override int GetHashCode() => _byteCount;

    public static bool operator ==(MqttString left, MqttString right) => left.Equals(right);

    public static bool operator !=(MqttString left, MqttString right) => !left.Equals(right);
}
