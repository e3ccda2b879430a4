using System.Buffers;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// Writes the seed corpus, all of it from code: regenerate with
/// <c>dotnet run -c Release --project fuzz/CloudSignal.Mqtt.Fuzz -- corpus fuzz/corpus</c>.
/// <list type="bullet">
/// <item>decoder/: every <see cref="SeedPackets"/> packet encoded by our codec, each level, behind
/// the control byte the target reads (bit 0: level, the rest: segment length); the whole set as
/// one stream read a byte at a time; every malformed input of the unit tests.</item>
/// <item>session/: <see cref="SessionSeeds"/> conversations and the same malformed inputs, as
/// inbound bytes after the setup bytes.</item>
/// </list>
/// Given a directory named decoder or session, writes that target's seeds only (fuzz/run.sh
/// does). Files already in a target directory are deleted first, so the set is exactly this one.
/// </summary>
internal static class CorpusWriter
{
    public static readonly string[] Targets = ["decoder", "session"];

    public static int Write(string directory)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        if (Targets.Contains(name))
        {
            return Write(directory, name);
        }

        return Targets.Sum(target => Write(Path.Combine(directory, target), target));
    }

    private static int Write(string directory, string target)
    {
        Directory.CreateDirectory(directory);
        foreach (string old in Directory.GetFiles(directory))
        {
            File.Delete(old);
        }

        IEnumerable<(string Name, byte[] Input)> seeds = target == "decoder" ? DecoderSeeds() : SessionSeedsAll();
        int count = 0;
        foreach ((string seedName, byte[] input) in seeds.Concat(Malformed(directory, target)))
        {
            File.WriteAllBytes(Path.Combine(directory, seedName), input);
            count++;
        }

        return count;
    }

    private static IEnumerable<(string Name, byte[] Input)> DecoderSeeds()
    {
        foreach (MqttProtocolVersion version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            var stream = new ArrayBufferWriter<byte>();
            foreach ((string name, IMqttPacket packet) in SeedPackets.For(version))
            {
                var one = new ArrayBufferWriter<byte>();
                PacketEncoder.Write(one, packet, version);
                yield return ($"{(int)version}-{name}", [DecoderControl(version, 128), .. one.WrittenSpan]);
                stream.Write(one.WrittenSpan);
            }

            // The whole set back to back, read one byte per segment: streams and short reads.
            yield return ($"{(int)version}-stream-bytewise", [DecoderControl(version, 1), .. stream.WrittenSpan]);
        }
    }

    private static IEnumerable<(string Name, byte[] Input)> SessionSeedsAll() =>
        new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 }
            .SelectMany(version => SessionSeeds.For(version).Select(s => ($"{(int)version}-{s.Name}", s.Input)));

    /// <summary>The unit tests' malformed inputs, numbered per test class: malformed-connack-03.</summary>
    private static IEnumerable<(string Name, byte[] Input)> Malformed(string directory, string target)
    {
        string tests = RepoPaths.MalformedTests(RepoPaths.Root(directory, Directory.GetCurrentDirectory(), AppContext.BaseDirectory));
        foreach (IGrouping<string, MalformedRow> group in MalformedRows.Read(tests).GroupBy(r => r.Source))
        {
            string stem = group.Key.Replace("MalformedTests", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
            int n = 0;
            foreach (MalformedRow row in group)
            {
                byte[] header = target == "decoder"
                    ? [DecoderControl(row.Version, 128)]
                    : new SessionSetup(row.Version, 128, 0x00).Header();
                yield return ($"malformed-{stem}-{++n:d2}", [.. header, .. row.Bytes]);
            }
        }
    }

    /// <summary>The decoder target's first byte: bit 0 the level, bits 1–7 the segment length − 1.</summary>
    public static byte DecoderControl(MqttProtocolVersion version, int segmentLength) =>
        (byte)((version == MqttProtocolVersion.V500 ? 1 : 0) | ((segmentLength - 1) << 1));
}
