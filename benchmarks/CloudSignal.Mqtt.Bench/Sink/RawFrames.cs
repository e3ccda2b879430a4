using System.Text;

namespace CloudSignal.Mqtt.Bench.Sink;

/// <summary>Hand-encoded MQTT 5 frames for the raw-socket baseline (no library code on that path).</summary>
internal static class RawFrames
{
    /// <summary>CONNECT, protocol level 5, Clean Start, keep alive 60 s, no properties.</summary>
    public static byte[] Connect(string clientId)
    {
        byte[] id = Encoding.UTF8.GetBytes(clientId);
        var body = new List<byte> { 0x00, 0x04, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 0x05, 0x02, 0x00, 60, 0x00 };
        body.Add((byte)(id.Length >> 8));
        body.Add((byte)id.Length);
        body.AddRange(id);
        return Frame(0x10, body.ToArray());
    }

    /// <summary>QoS 0 PUBLISH in MQTT 5 layout: topic, empty property length, payload.</summary>
    public static byte[] Publish(string topic, byte[] payload)
    {
        byte[] name = Encoding.UTF8.GetBytes(topic);
        byte[] body = new byte[2 + name.Length + 1 + payload.Length];
        body[0] = (byte)(name.Length >> 8);
        body[1] = (byte)name.Length;
        name.CopyTo(body, 2);
        body[2 + name.Length] = 0x00;
        payload.CopyTo(body, 3 + name.Length);
        return Frame(0x30, body);
    }

    public static byte[] Disconnect() => [0xE0, 0x00];

    private static byte[] Frame(byte first, byte[] body)
    {
        var frame = new List<byte>(body.Length + 5) { first };
        int remaining = body.Length;
        do
        {
            byte digit = (byte)(remaining % 128);
            remaining /= 128;
            frame.Add(remaining > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remaining > 0);
        frame.AddRange(body);
        return frame.ToArray();
    }
}
