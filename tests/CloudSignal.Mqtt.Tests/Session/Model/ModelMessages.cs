using System.Buffers.Binary;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Tests.Session.Model;

/// <summary>An application message the client publishes (payload: 'C' and its number).</summary>
internal sealed class OutMessage(int number, MqttQos qos, bool retain, string topic)
{
    public int Number => number;

    public MqttQos Qos => qos;

    public bool Retain => retain;

    public string Topic => topic;

    public byte[] Payload { get; } = Encode('C', number);

    public long Token { get; set; }

    public int Completions { get; set; }

    /// <summary>Written at least once (any connection, any session).</summary>
    public bool Written { get; set; }

    /// <summary>The server session (epoch) and identifier of its last transmission; the connection it went on.</summary>
    public int Epoch { get; set; } = -1;

    public ushort Id { get; set; }

    public int LastConnection { get; set; }

    /// <summary>The client has received a successful PUBREC for it (QoS 2): only PUBREL may follow.</summary>
    public bool PastPubRec { get; set; }

    /// <summary>The client received a failure PUBACK/PUBREC for it (5.0).</summary>
    public bool Refused { get; set; }

    /// <summary>The client received a PUBACK or PUBCOMP for it.</summary>
    public bool Answered { get; set; }

    /// <summary>How many times the server accepted it (success PUBACK, first success PUBREC).</summary>
    public int ServerAccepts { get; set; }

    /// <summary>It was in flight when the server lost the session (CONNACK session present 0).</summary>
    public bool InFlightAtSessionLoss { get; set; }

    public static byte[] Encode(char tag, int number)
    {
        byte[] bytes = new byte[5];
        bytes[0] = (byte)tag;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), number);
        return bytes;
    }
}

/// <summary>A message the server publishes to the client (payload: 'S' and its number).</summary>
internal sealed class InMessage(int number, MqttQos qos, bool retain)
{
    public int Number => number;

    public MqttQos Qos => qos;

    public bool Retain => retain;

    public string Topic => $"s/{number % 3}";

    public int Deliveries { get; set; }

    /// <summary>The server dropped it undelivered with its session (session present 0 before the client acknowledged it).</summary>
    public bool Lost { get; set; }
}
