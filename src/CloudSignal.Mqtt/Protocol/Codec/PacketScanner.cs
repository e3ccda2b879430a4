using System.Buffers;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Finds packet boundaries. Reads the fixed header only, so a bad type, bad flags or an
/// oversized claim is rejected before a single body byte is buffered: a header claiming
/// 268,435,455 bytes costs nothing.
/// </summary>
internal static class PacketScanner
{
    /// <summary>The largest possible packet: 1 type byte, 4 length bytes, 268,435,455 body bytes.</summary>
    public const uint ProtocolMaximumPacketSize = 1 + VariableByteInteger.MaxSize + VariableByteInteger.MaxValue;

    /// <summary>
    /// <see cref="OperationStatus.Done"/> when <paramref name="buffer"/> starts with a whole packet;
    /// <see cref="OperationStatus.NeedMoreData"/> otherwise (then <paramref name="header"/> is set
    /// once the fixed header itself is complete, so the caller knows how much to wait for).
    /// Throws <see cref="MqttProtocolException"/> for a malformed header (0x81) or a packet
    /// larger than <paramref name="maximumPacketSize"/> (0x95).
    /// </summary>
    public static OperationStatus TryScan(
        in ReadOnlySequence<byte> buffer, MqttProtocolVersion version, uint maximumPacketSize, out FixedHeader header)
    {
        header = default;
        if (buffer.IsEmpty)
        {
            return OperationStatus.NeedMoreData;
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.TryRead(out byte first);
        var type = (PacketType)(first >> 4);
        byte flags = (byte)(first & 0x0F);
        ValidateTypeAndFlags(type, flags, version);

        if (!VariableByteInteger.TryRead(ref reader, "Remaining Length", 1, out int remainingLength))
        {
            return OperationStatus.NeedMoreData;
        }

        header = new FixedHeader(type, flags, remainingLength, (int)reader.Consumed);

        // [MQTT-3.1.2-24] / 5.0 §3.1.2.11.4: the maximum counts the whole packet.
        if ((uint)header.PacketLength > maximumPacketSize)
        {
            ThrowHelper.Throw(
                MqttReasonCode.PacketTooLarge, "Remaining Length", 1,
                $"packet of {header.PacketLength} bytes exceeds the maximum packet size of {maximumPacketSize}");
        }

        return buffer.Length >= header.PacketLength ? OperationStatus.Done : OperationStatus.NeedMoreData;
    }

    private static void ValidateTypeAndFlags(PacketType type, byte flags, MqttProtocolVersion version)
    {
        if (type == 0 || (type == PacketType.Auth && version != MqttProtocolVersion.V500))
        {
            ThrowHelper.Malformed("Packet Type", 0, $"control packet type {(int)type} is reserved");
        }

        if (type == PacketType.Publish)
        {
            int qos = (flags >> 1) & 0x03;
            if (qos == 3)
            {
                // [MQTT-3.3.1-4]
                ThrowHelper.Malformed("QoS", 0, "PUBLISH QoS bits are 3, which is reserved");
            }

            if (qos == 0 && (flags & 0x08) != 0)
            {
                // [MQTT-3.3.1-2]
                ThrowHelper.Malformed("DUP", 0, "DUP flag is set on a QoS 0 PUBLISH");
            }
        }
        else if (flags != FixedHeader.RequiredFlags(type))
        {
            // [MQTT-2.2.2-1], [MQTT-2.2.2-2]
            ThrowHelper.Malformed(
                "Fixed Header Flags", 0,
                $"{type} requires flags 0x{FixedHeader.RequiredFlags(type):X1}, found 0x{flags:X1}");
        }
    }
}
