using System.Buffers;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// Fuzz target 1: the packet decoder on arbitrary bytes. The first input byte picks the protocol
/// level and how the rest is cut into segments (short reads); the rest is a stream of packets.
/// Oracle: each step is Done (exactly one packet consumed), NeedMoreData, or
/// <see cref="MqttProtocolException"/>; a decoded packet re-encodes and decodes to itself.
/// Anything else escapes and is a crash.
/// </summary>
internal static class DecoderTarget
{
    private const uint MaximumPacketSize = 1 << 20;

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        MqttProtocolVersion version = (input[0] & 1) == 0 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500;
        int segment = 1 + (input[0] >> 1);
        ReadOnlySequence<byte> buffer = Segments.Split(input[1..].ToArray(), segment);
        while (!buffer.IsEmpty)
        {
            long before = buffer.Length;
            IMqttPacket? packet;
            try
            {
                if (PacketDecoder.TryDecode(ref buffer, version, MaximumPacketSize, out packet) != OperationStatus.Done)
                {
                    Oracle.Check(buffer.Length == before, "NeedMoreData consumed input");
                    return;
                }
            }
            catch (MqttProtocolException)
            {
                return;
            }

            Oracle.Check(buffer.Length < before, "Done consumed nothing");
            Oracle.RoundTrip(packet!, version);
        }
    }
}
