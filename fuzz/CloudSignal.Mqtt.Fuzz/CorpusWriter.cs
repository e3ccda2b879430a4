using System.Buffers;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// Writes the seed corpus: every <see cref="SeedPackets"/> packet encoded by our codec, prefixed
/// with the control byte the targets read (bit 0: level, the rest: segment length), plus a few
/// multi-packet streams. Regenerate with <c>dotnet run --project fuzz/CloudSignal.Mqtt.Fuzz -- corpus fuzz/corpus</c>.
/// </summary>
internal static class CorpusWriter
{
    public static int Write(string directory)
    {
        Directory.CreateDirectory(directory);
        int count = 0;
        foreach (MqttProtocolVersion version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            byte control = (byte)((version == MqttProtocolVersion.V500 ? 1 : 0) | (255 << 1));
            var stream = new ArrayBufferWriter<byte>();
            foreach ((string name, IMqttPacket packet) in SeedPackets.For(version))
            {
                var one = new ArrayBufferWriter<byte>();
                PacketEncoder.Write(one, packet, version);
                Save(directory, $"{(int)version}-{name}", control, one.WrittenSpan);
                stream.Write(one.WrittenSpan);
                count++;
            }

            // The whole set back to back, read one byte per segment: streams and short reads.
            Save(directory, $"{(int)version}-stream-bytewise", (byte)(version == MqttProtocolVersion.V500 ? 1 : 0), stream.WrittenSpan);
            count++;
        }

        return count;
    }

    private static void Save(string directory, string name, byte control, ReadOnlySpan<byte> packet)
    {
        byte[] file = new byte[packet.Length + 1];
        file[0] = control;
        packet.CopyTo(file.AsSpan(1));
        File.WriteAllBytes(Path.Combine(directory, name), file);
    }
}
