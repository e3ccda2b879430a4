using System.Buffers.Binary;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// The smoke run's mutations, deterministic for a given <see cref="Random"/> seed: bit flips, byte
/// inserts and deletes, tweaks of length fields (a packet's Remaining Length as a variable byte
/// integer, or any two bytes as a big-endian uint16 length), splices of two corpus entries, and
/// a new target setup (segment length, session options and clock) for the same level and bytes.
/// One to three stacked per input.
/// </summary>
internal sealed class Mutator(Random random, int headerLength)
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFF, 0x20, 0x30, 0x40, 0x50, 0x62, 0x70, 0x90, 0xB0, 0xD0, 0xE0, 0xF0];

    public byte[] Mutate(byte[] seed, IReadOnlyList<byte[]> corpus)
    {
        var bytes = new List<byte>(seed);
        int steps = 1 + random.Next(3);
        for (int i = 0; i < steps; i++)
        {
            switch (random.Next(7))
            {
                case 0: FlipBits(bytes); break;
                case 1: Insert(bytes); break;
                case 2: Delete(bytes); break;
                case 3: TweakRemainingLength(bytes); break;
                case 4: TweakUInt16(bytes); break;
                case 5: Reconfigure(bytes); break;
                default: Splice(bytes, corpus[random.Next(corpus.Count)]); break;
            }
        }

        return [.. bytes];
    }

    private void FlipBits(List<byte> bytes)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        for (int n = 1 + random.Next(4); n > 0; n--)
        {
            int at = random.Next(bytes.Count);
            bytes[at] ^= (byte)(1 << random.Next(8));
        }
    }

    private void Insert(List<byte> bytes)
    {
        int at = random.Next(bytes.Count + 1);
        for (int n = 1 + random.Next(4); n > 0; n--)
        {
            bytes.Insert(at, random.Next(2) == 0 ? Interesting[random.Next(Interesting.Length)] : (byte)random.Next(256));
        }
    }

    private void Delete(List<byte> bytes)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        int at = random.Next(bytes.Count);
        bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8)));
    }

    /// <summary>Walks the packets after the header and rewrites one Remaining Length: ±1, 0, the maximum, or a 5-byte form.</summary>
    private void TweakRemainingLength(List<byte> bytes)
    {
        var fields = new List<(int At, int Length, int Value)>();
        for (int at = headerLength; at + 1 < bytes.Count;)
        {
            int value = 0, length = 0;
            while (length < 4 && at + 1 + length < bytes.Count)
            {
                byte b = bytes[at + 1 + length];
                value |= (b & 0x7F) << (7 * length++);
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            fields.Add((at + 1, length, value));
            at += 1 + length + value;
        }

        if (fields.Count == 0)
        {
            FlipBits(bytes);
            return;
        }

        (int fieldAt, int fieldLength, int old) = fields[random.Next(fields.Count)];
        byte[] replacement = random.Next(5) switch
        {
            0 => Vbi(old + 1),
            1 => Vbi(Math.Max(0, old - 1)),
            2 => [0x00],
            3 => [0xFF, 0xFF, 0xFF, 0x7F], // 268,435,455: a claim far past the input
            _ => [0x80, 0x80, 0x80, 0x80, 0x01], // five bytes: never valid
        };
        bytes.RemoveRange(fieldAt, fieldLength);
        bytes.InsertRange(fieldAt, replacement);
    }

    /// <summary>Rewrites two bytes (string, binary or packet identifier lengths are uint16): ±1, 0, 0xFFFF, or half the range.</summary>
    private void TweakUInt16(List<byte> bytes)
    {
        if (bytes.Count < headerLength + 2)
        {
            Insert(bytes);
            return;
        }

        int at = headerLength + random.Next(bytes.Count - headerLength - 1);
        ushort old = (ushort)((bytes[at] << 8) | bytes[at + 1]);
        ushort value = random.Next(5) switch
        {
            0 => (ushort)(old + 1),
            1 => (ushort)(old - 1),
            2 => 0,
            3 => ushort.MaxValue,
            _ => 0x7FFF,
        };
        Span<byte> two = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(two, value);
        bytes[at] = two[0];
        bytes[at + 1] = two[1];
    }

    /// <summary>Rerolls the setup bytes, keeping the level (bit 0 of the first byte): the same stream, read and timed differently.</summary>
    private void Reconfigure(List<byte> bytes)
    {
        for (int i = 0; i < Math.Min(headerLength, bytes.Count); i++)
        {
            byte value = (byte)random.Next(256);
            bytes[i] = i == 0 ? (byte)((bytes[0] & 1) | (value & 0xFE)) : value;
        }
    }

    /// <summary>A prefix of this input, then a suffix of another entry.</summary>
    private void Splice(List<byte> bytes, byte[] other)
    {
        int cut = random.Next(bytes.Count + 1);
        int from = other.Length <= headerLength ? other.Length : headerLength + random.Next(other.Length - headerLength + 1);
        bytes.RemoveRange(cut, bytes.Count - cut);
        bytes.AddRange(other.AsSpan(from).ToArray());
    }

    private static byte[] Vbi(int value)
    {
        var result = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            result.Add(value > 0 ? (byte)(b | 0x80) : b);
        }
        while (value > 0);

        return [.. result];
    }
}
