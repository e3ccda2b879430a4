using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol;

/// <summary>
/// Every one of the 27 MQTT 5.0 properties, placed in every packet that has properties:
/// accepted exactly where spec Table 2-4 allows it, and a Malformed Packet (0x81) anywhere
/// else. The allow-list below is written out from the spec table, independently of
/// <see cref="PropertyTable"/>.
/// </summary>
public class PropertyPlacementTests
{
    // Spec Table 2-4, column "Packet / Will Properties", by packet.
    private static readonly Dictionary<string, int[]> Allowed = new()
    {
        ["CONNECT"] = [0x11, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x26, 0x27],
        ["Will"] = [0x01, 0x02, 0x03, 0x08, 0x09, 0x18, 0x26],
        ["CONNACK"] = [0x11, 0x12, 0x13, 0x15, 0x16, 0x1A, 0x1C, 0x1F, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A],
        ["PUBLISH"] = [0x01, 0x02, 0x03, 0x08, 0x09, 0x0B, 0x23, 0x26],
        ["PUBACK"] = [0x1F, 0x26],
        ["PUBREC"] = [0x1F, 0x26],
        ["PUBREL"] = [0x1F, 0x26],
        ["PUBCOMP"] = [0x1F, 0x26],
        ["SUBSCRIBE"] = [0x0B, 0x26],
        ["SUBACK"] = [0x1F, 0x26],
        ["UNSUBSCRIBE"] = [0x26],
        ["UNSUBACK"] = [0x1F, 0x26],
        ["DISCONNECT"] = [0x11, 0x1C, 0x1F, 0x26],
        ["AUTH"] = [0x15, 0x16, 0x1F, 0x26],
    };

    // One valid value per identifier, by wire type (Table 2-4 "Type").
    private static readonly Dictionary<int, byte[]> SampleValue = new()
    {
        [0x01] = [0x01], [0x02] = [0, 0, 0, 1], [0x03] = [0, 1, 0x61], [0x08] = [0, 1, 0x61], [0x09] = [0, 1, 0xAB],
        [0x0B] = [0x01], [0x11] = [0, 0, 0, 1], [0x12] = [0, 1, 0x61], [0x13] = [0, 1], [0x15] = [0, 1, 0x61],
        [0x16] = [0, 1, 0xAB], [0x17] = [0x01], [0x18] = [0, 0, 0, 1], [0x19] = [0x01], [0x1A] = [0, 1, 0x61],
        [0x1C] = [0, 1, 0x61], [0x1F] = [0, 1, 0x61], [0x21] = [0, 1], [0x22] = [0, 1], [0x23] = [0, 1],
        [0x24] = [0x01], [0x25] = [0x01], [0x26] = [0, 1, 0x61, 0, 1, 0x62], [0x27] = [0, 0, 0, 100],
        [0x28] = [0x01], [0x29] = [0x01], [0x2A] = [0x01],
    };

    public static TheoryData<string, int> EveryPacketAndProperty()
    {
        var data = new TheoryData<string, int>();
        foreach (string packet in Allowed.Keys)
        {
            foreach (int id in SampleValue.Keys)
            {
                data.Add(packet, id);
            }
        }

        return data;
    }

    [Fact]
    public void SpecTable_Has27Properties_AndTheCodecTableAgrees()
    {
        Assert.Equal(27, SampleValue.Count);
        Assert.Equal(SampleValue.Keys.Order(), PropertyTable.All().Select(id => (int)id));
    }

    [Theory]
    [MemberData(nameof(EveryPacketAndProperty))]
    public void Property_PlacedInPacket_AcceptedOnlyWhereTable24AllowsIt(string packet, int id)
    {
        // Authentication Data needs an Authentication Method beside it (5.0 §3.1.2.11.10), and
        // an AUTH with Continue authentication needs one too (5.0 §3.15.2.2.2).
        bool needsMethod = packet == "AUTH" || (id == 0x16 && Allowed[packet].Contains(0x16));
        byte[] block = needsMethod && id != 0x15
            ? [0x15, 0, 1, 0x61, (byte)id, .. SampleValue[id]]
            : [(byte)id, .. SampleValue[id]];
        byte[] wire = Build(packet, block);

        if (Allowed[packet].Contains(id))
        {
            Assert.NotNull(Codec.Decode(wire, MqttProtocolVersion.V500));
        }
        else
        {
            var ex = Assert.Throws<MqttProtocolException>(() => Codec.Decode(wire, MqttProtocolVersion.V500));
            Assert.Equal(MqttReasonCode.MalformedPacket, ex.ReasonCode);
        }
    }

    /// <summary>A minimal valid 5.0 packet of the given kind around a property block.</summary>
    private static byte[] Build(string packet, byte[] block)
    {
        byte[] props = [.. Vbi(block.Length), .. block];
        byte[] mqtt = [0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05];
        (byte First, byte[] Body) parts = packet switch
        {
            // Protocol name, level 5, flags (clean start), keep alive 60, properties, client id "".
            "CONNECT" => ((byte)0x10, [.. mqtt, 0x02, 0x00, 0x3C, .. props, 0x00, 0x00]),
            // Will flag + clean start; empty connect properties, client id "", will properties, topic "t", payload "".
            "Will" => ((byte)0x10, [.. mqtt, 0x06, 0x00, 0x3C, 0x00, 0x00, 0x00, .. props, 0x00, 0x01, 0x74, 0x00, 0x00]),
            "CONNACK" => ((byte)0x20, [0x00, 0x00, .. props]),
            "PUBLISH" => ((byte)0x30, [0x00, 0x01, 0x74, .. props]),
            "PUBACK" => ((byte)0x40, [0x00, 0x01, 0x00, .. props]),
            "PUBREC" => ((byte)0x50, [0x00, 0x01, 0x00, .. props]),
            "PUBREL" => ((byte)0x62, [0x00, 0x01, 0x00, .. props]),
            "PUBCOMP" => ((byte)0x70, [0x00, 0x01, 0x00, .. props]),
            "SUBSCRIBE" => ((byte)0x82, [0x00, 0x01, .. props, 0x00, 0x01, 0x74, 0x00]),
            "SUBACK" => ((byte)0x90, [0x00, 0x01, .. props, 0x00]),
            "UNSUBSCRIBE" => ((byte)0xA2, [0x00, 0x01, .. props, 0x00, 0x01, 0x74]),
            "UNSUBACK" => ((byte)0xB0, [0x00, 0x01, .. props, 0x00]),
            "DISCONNECT" => ((byte)0xE0, [0x00, .. props]),
            _ => ((byte)0xF0, [0x18, .. props]), // AUTH, Continue authentication
        };
        return [parts.First, .. Vbi(parts.Body.Length), .. parts.Body];
    }

    private static byte[] Vbi(int value)
    {
        byte[] buffer = new byte[4];
        return buffer[..VariableByteInteger.Write(buffer, value)];
    }
}
