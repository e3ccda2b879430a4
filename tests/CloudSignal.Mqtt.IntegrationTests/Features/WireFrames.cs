using System.Buffers.Binary;
using System.Text;

namespace CloudSignal.Mqtt.IntegrationTests.Features;

/// <summary>One MQTT control packet cut from a recorded byte stream: type, flags, body.</summary>
internal readonly record struct WireFrame(int Type, int Flags, byte[] Body);

/// <summary>What a recorded MQTT 5.0 PUBLISH says about its topic (5.0 §3.3.2).</summary>
internal readonly record struct WirePublish(string TopicName, ushort? TopicAlias, int[] SubscriptionIdentifiers);

/// <summary>
/// A small MQTT 5.0 reader written for the tests, separate from the library's codec, so that
/// wire checks do not trust the code they check. It understands just enough: the fixed header
/// (§2.1), PUBLISH topic and properties (§3.3.2) and CONNACK properties (§3.2.2.3).
/// </summary>
internal static class WireFrames
{
    public const int ConnAck = 2;
    public const int Publish = 3;

    /// <summary>Cuts a stream into packets; a trailing partial packet is ignored.</summary>
    public static List<WireFrame> Split(byte[] stream)
    {
        var frames = new List<WireFrame>();
        int offset = 0;
        while (offset < stream.Length)
        {
            int start = offset++;
            int length = 0;
            for (int shift = 0; ; shift += 7)
            {
                if (offset >= stream.Length)
                {
                    return frames;
                }

                byte b = stream[offset++];
                length |= (b & 0x7F) << shift; // Remaining Length, §2.1.4 (Variable Byte Integer)
                if ((b & 0x80) == 0)
                {
                    break;
                }
            }

            if (offset + length > stream.Length)
            {
                return frames;
            }

            frames.Add(new WireFrame(stream[start] >> 4, stream[start] & 0x0F, stream.AsSpan(offset, length).ToArray()));
            offset += length;
        }

        return frames;
    }

    public static List<WirePublish> Publishes(byte[] stream) =>
        [.. Split(stream).Where(f => f.Type == Publish).Select(ReadPublish)];

    /// <summary>PUBLISH variable header: topic, packet id if QoS > 0, properties (5.0 §3.3.2).</summary>
    public static WirePublish ReadPublish(WireFrame frame)
    {
        byte[] body = frame.Body;
        int topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        string topic = Encoding.UTF8.GetString(body, 2, topicLength);
        int offset = 2 + topicLength + (((frame.Flags >> 1) & 3) > 0 ? 2 : 0);
        ushort? alias = null;
        var ids = new List<int>();
        foreach ((int id, int value) in Properties(body, ref offset))
        {
            if (id == 0x23)
            {
                alias = (ushort)value;
            }
            else if (id == 0x0B)
            {
                ids.Add(value);
            }
        }

        return new WirePublish(topic, alias, [.. ids]);
    }

    /// <summary>The Topic Alias Maximum of the first CONNACK (5.0 §3.2.2.3.8; absent means 0).</summary>
    public static ushort ConnAckTopicAliasMaximum(byte[] stream)
    {
        WireFrame connAck = Split(stream).First(f => f.Type == ConnAck);
        int offset = 2; // Connect Acknowledge Flags, Reason Code
        foreach ((int id, int value) in Properties(connAck.Body, ref offset))
        {
            if (id == 0x22)
            {
                return (ushort)value;
            }
        }

        return 0;
    }

    /// <summary>
    /// Walks a property block (5.0 §2.2.2), yielding integer-valued properties with their value
    /// and skipping the rest by their type (Table 2-4).
    /// </summary>
    private static List<(int Id, int Value)> Properties(byte[] body, ref int offset)
    {
        int length = ReadVariableByteInteger(body, ref offset);
        int end = offset + length;
        var found = new List<(int, int)>();
        while (offset < end)
        {
            int id = ReadVariableByteInteger(body, ref offset);
            switch (id)
            {
                case 0x01 or 0x17 or 0x19 or 0x24 or 0x25 or 0x28 or 0x29 or 0x2A: // Byte
                    found.Add((id, body[offset]));
                    offset += 1;
                    break;
                case 0x13 or 0x21 or 0x22 or 0x23: // Two Byte Integer
                    found.Add((id, BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset))));
                    offset += 2;
                    break;
                case 0x02 or 0x11 or 0x18 or 0x27: // Four Byte Integer
                    found.Add((id, (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset))));
                    offset += 4;
                    break;
                case 0x0B: // Variable Byte Integer
                    found.Add((id, ReadVariableByteInteger(body, ref offset)));
                    break;
                case 0x03 or 0x08 or 0x09 or 0x12 or 0x15 or 0x16 or 0x1A or 0x1C or 0x1F: // String / Binary Data
                    offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset));
                    break;
                case 0x26: // UTF-8 String Pair
                    offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset));
                    offset += 2 + BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(offset));
                    break;
                default:
                    throw new InvalidDataException($"Unknown property 0x{id:X2} at offset {offset}.");
            }
        }

        return found;
    }

    private static int ReadVariableByteInteger(byte[] body, ref int offset)
    {
        int value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = body[offset++];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
