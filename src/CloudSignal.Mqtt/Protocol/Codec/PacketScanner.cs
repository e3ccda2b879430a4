using System.Buffers;
using System.Runtime.CompilerServices;

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
        in ReadOnlySequence<byte> buffer, MqttProtocolVersion version, uint maximumPacketSize, out FixedHeader header) =>
        TryScan(buffer, buffer.FirstSpan, version, maximumPacketSize, out header);

    /// <summary>As above, for a caller that already holds <paramref name="buffer"/>'s first span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static OperationStatus TryScan(
        in ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> first, MqttProtocolVersion version, uint maximumPacketSize, out FixedHeader header)
    {
        header = default;
        if (buffer.IsEmpty)
        {
            return OperationStatus.NeedMoreData;
        }

        // The fixed header is 2 … 5 bytes, nearly always inside the first segment: read it from
        // a span, and fall back to a SequenceReader only when the length runs into the next one.
        byte typeAndFlags = first.IsEmpty ? FirstByte(buffer) : first[0];
        var type = (PacketType)(typeAndFlags >> 4);
        byte flags = (byte)(typeAndFlags & 0x0F);
        ValidateTypeAndFlags(type, flags, version);

        int remainingLength;
        int headerLength;
        if (!first.IsEmpty && VariableByteInteger.TryRead(first[1..], "Remaining Length", 1, out remainingLength, out int consumed))
        {
            headerLength = 1 + consumed;
        }
        else if (buffer.IsSingleSegment || !TryReadLengthAcrossSegments(buffer, out remainingLength, out headerLength))
        {
            return OperationStatus.NeedMoreData;
        }

        header = new FixedHeader(type, flags, remainingLength, headerLength);

        // [MQTT-3.1.2-24] / 5.0 §3.1.2.11.4: the maximum counts the whole packet.
        if ((uint)header.PacketLength > maximumPacketSize)
        {
            TooLarge(header.PacketLength, maximumPacketSize);
        }

        return buffer.Length >= header.PacketLength ? OperationStatus.Done : OperationStatus.NeedMoreData;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TooLarge(int packetLength, uint maximumPacketSize) =>
        ThrowHelper.Throw(
            MqttReasonCode.PacketTooLarge, "Remaining Length", 1,
            $"packet of {packetLength} bytes exceeds the maximum packet size of {maximumPacketSize}");

    // A sequence may start with an empty segment.
    private static byte FirstByte(in ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        reader.TryRead(out byte value);
        return value;
    }

    private static bool TryReadLengthAcrossSegments(in ReadOnlySequence<byte> buffer, out int remainingLength, out int headerLength)
    {
        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(1);
        bool complete = VariableByteInteger.TryRead(ref reader, "Remaining Length", 1, out remainingLength);
        headerLength = (int)reader.Consumed;
        return complete;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ValidateTypeAndFlags(PacketType type, byte flags, MqttProtocolVersion version)
    {
        // The same rules as RejectTypeAndFlags, as one branch-light test for the hot path.
        bool valid = type == PacketType.Publish
            ? (flags & 0x06) != 0x06 && (flags & 0x0E) != 0x08
            : type != 0 && flags == FixedHeader.RequiredFlags(type) && (type != PacketType.Auth || version == MqttProtocolVersion.V500);
        if (!valid)
        {
            RejectTypeAndFlags(type, flags, version);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RejectTypeAndFlags(PacketType type, byte flags, MqttProtocolVersion version)
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
