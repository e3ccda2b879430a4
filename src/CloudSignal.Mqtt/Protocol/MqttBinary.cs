using System.Buffers;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Bytes in a packet: Binary Data fields (5.0 §1.5.6) and the PUBLISH payload. Decoded values
/// are slices of the input, never copies. Equality compares content.
/// </summary>
internal readonly struct MqttBinary : IEquatable<MqttBinary>
{
    public MqttBinary(ReadOnlySequence<byte> bytes) => Bytes = bytes;

    public MqttBinary(ReadOnlyMemory<byte> bytes) => Bytes = new ReadOnlySequence<byte>(bytes);

    public static MqttBinary Empty => default;

    public ReadOnlySequence<byte> Bytes { get; }

    public int Length => (int)Bytes.Length;

    public bool IsEmpty => Bytes.IsEmpty;

    public static implicit operator MqttBinary(byte[] bytes) => new(bytes);

    public static implicit operator MqttBinary(ReadOnlyMemory<byte> bytes) => new(bytes);

    public byte[] ToArray() => Bytes.ToArray();

    public bool Equals(MqttBinary other) => SequenceComparer.Equal(Bytes, other.Bytes);

    public override bool Equals(object? obj) => obj is MqttBinary other && Equals(other);

    public override int GetHashCode() => Length;

    public override string ToString() =>
        Length <= 32 ? Convert.ToHexString(Bytes.ToArray()) : $"{Length} bytes";

    public static bool operator ==(MqttBinary left, MqttBinary right) => left.Equals(right);

    public static bool operator !=(MqttBinary left, MqttBinary right) => !left.Equals(right);
}
