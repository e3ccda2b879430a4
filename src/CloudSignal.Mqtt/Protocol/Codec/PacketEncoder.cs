using System.Buffers;

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
        int remainingLength = packet.GetRemainingLength(version);
        int size = GetSize(remainingLength);
        if ((uint)size > maximumPacketSize)
        {
            ThrowHelper.Invalid(
                MqttReasonCode.PacketTooLarge, packet.Type.ToString(),
                $"packet of {size} bytes exceeds the maximum packet size of {maximumPacketSize}");
        }

        var writer = new MqttWriter(output, Math.Min(size, 256));
        writer.WriteByte((byte)(((int)packet.Type << 4) | packet.FixedHeaderFlags));
        writer.WriteVariableByteInteger(remainingLength);
        packet.WriteBody(ref writer, version);
        writer.Commit();
        return size;
    }

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
        GetSize(packet.GetRemainingLength(version));
}
