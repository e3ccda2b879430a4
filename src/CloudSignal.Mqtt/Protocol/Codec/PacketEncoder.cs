using System.Buffers;
using System.Runtime.CompilerServices;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Writes whole packets into an <see cref="IBufferWriter{T}"/>: the size is computed (and
/// every field validated) before the first byte is written, then the fixed header, then the
/// body, with no intermediate buffer.
/// </summary>
internal static class PacketEncoder
{
    /// <summary>Encodes <paramref name="packet"/> and returns the number of bytes written.</summary>
    /// <exception cref="MqttProtocolException">
    /// The packet breaks the spec (0x81/0x82/0x90), or is larger than <paramref name="maximumPacketSize"/> (0x95).
    /// </exception>
    public static int Write<TPacket>(
        IBufferWriter<byte> output,
        in TPacket packet,
        MqttProtocolVersion version,
        uint maximumPacketSize = PacketScanner.ProtocolMaximumPacketSize)
        where TPacket : IMqttPacket
    {
        // A member call on an `in` parameter of a generic type makes a defensive copy of the
        // whole packet (the compiler cannot know TPacket is a readonly struct): 4 copies of a
        // ~350-byte PUBLISH per encode. Every packet is a readonly struct, so calling through
        // a plain reference is safe and copies nothing.
        ref TPacket p = ref Unsafe.AsRef(in packet);
        int remainingLength = p.GetRemainingLength(version);
        int size = GetSize(remainingLength);
        if ((uint)size > maximumPacketSize)
        {
            TooLarge(p.Type, size, maximumPacketSize);
        }

        var writer = new MqttWriter(output, Math.Min(size, 256));
        writer.WriteFixedHeader((byte)(((int)p.Type << 4) | p.FixedHeaderFlags), remainingLength);
        p.WriteBody(ref writer, version);
        writer.Commit();
        return size;
    }

    private static void TooLarge(PacketType type, int size, uint maximumPacketSize) =>
        ThrowHelper.Invalid(
            MqttReasonCode.PacketTooLarge, type.ToString(),
            $"packet of {size} bytes exceeds the maximum packet size of {maximumPacketSize}");

    /// <summary>The whole packet size for a Remaining Length: 1 type byte, the length's own bytes, the body.</summary>
    public static int GetSize(int remainingLength)
    {
        if ((uint)remainingLength > VariableByteInteger.MaxValue)
        {
            ThrowHelper.Invalid(
                MqttReasonCode.PacketTooLarge, "Remaining Length",
                $"{remainingLength} bytes is above the protocol limit of 268,435,455");
        }

        return 1 + VariableByteInteger.GetSize(remainingLength) + remainingLength;
    }

    /// <summary>The whole packet size of <paramref name="packet"/>.</summary>
    public static int GetSize<TPacket>(in TPacket packet, MqttProtocolVersion version)
        where TPacket : IMqttPacket =>
        GetSize(Unsafe.AsRef(in packet).GetRemainingLength(version));
}
