using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// How the session target sets up its session, from the first two input bytes.
/// Byte 0, as for the decoder: bit 0 the level (0: 3.1.1, 1: 5.0), bits 1–7 the segment length − 1.
/// Byte 1: bit 0 automatic outbound topic aliases (the CONNACK allows 2); bit 1 inbound topic
/// aliases (we allow 4); bit 2 Receive Maximum 2 both ways (ours and the CONNACK's); bit 3
/// Maximum Packet Size 256 both ways; bits 4–7 seconds the clock moves after each segment
/// (keep alive is 10 s, so PINGREQ and its timeout are reachable).
/// </summary>
internal readonly record struct SessionSetup(MqttProtocolVersion Version, int SegmentLength, byte Flags)
{
    /// <summary>Bytes of the input the setup takes; the rest is the inbound stream.</summary>
    public const int HeaderLength = 2;

    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(10);

    public static SessionSetup From(byte control, byte flags) =>
        new((control & 1) == 0 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500, 1 + (control >> 1), flags);

    public bool V5 => Version == MqttProtocolVersion.V500;

    public bool OutboundAliases => (Flags & 1) != 0;

    public bool InboundAliases => (Flags & 2) != 0;

    public bool SmallReceiveMaximum => (Flags & 4) != 0;

    public bool SmallPackets => (Flags & 8) != 0;

    public TimeSpan ClockStep => TimeSpan.FromSeconds(Flags >> 4);

    /// <summary>The first two input bytes that select this setup.</summary>
    public byte[] Header() => [(byte)((V5 ? 1 : 0) | ((SegmentLength - 1) << 1)), Flags];

    public SessionOptions Options() => new()
    {
        ProtocolVersion = Version,
        ClientId = "fuzz",
        CleanStart = false, // a later CONNACK may say "session present": resume is reachable
        SessionExpiryInterval = V5 ? 600u : 0u,
        KeepAlive = KeepAlive,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ReceiveMaximum = SmallReceiveMaximum ? (ushort)2 : ushort.MaxValue,
        MaximumPacketSize = SmallPackets ? 256u : PacketScanner.ProtocolMaximumPacketSize,
        TopicAliasMaximum = InboundAliases ? (ushort)4 : (ushort)0,
        AutomaticTopicAliases = OutboundAliases,
    };

    /// <summary>The accepting CONNACK the target plays before the input stream starts.</summary>
    public ConnAckPacket ConnAck(bool sessionPresent = false) => new()
    {
        SessionPresent = sessionPresent,
        Properties = V5
            ? new ConnAckProperties
            {
                ReceiveMaximum = SmallReceiveMaximum ? (ushort)2 : null,
                MaximumPacketSize = SmallPackets ? 256u : null,
                TopicAliasMaximum = OutboundAliases ? (ushort)2 : null,
            }
            : default,
    };
}
