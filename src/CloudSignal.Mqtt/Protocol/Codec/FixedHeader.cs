using System.Runtime.CompilerServices;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// The fixed header every packet starts with (5.0 §2.1.1): type and flags in byte 1, then
/// the Remaining Length as a variable byte integer.
/// </summary>
internal readonly record struct FixedHeader(PacketType Type, byte Flags, int RemainingLength, int HeaderLength)
{
    /// <summary>The whole packet: fixed header plus remaining length.</summary>
    public int PacketLength => HeaderLength + RemainingLength;

    /// <summary>PUBLISH only: DUP, bit 3.</summary>
    public bool Dup => (Flags & 0x08) != 0;

    /// <summary>PUBLISH only: QoS, bits 2–1.</summary>
    public MqttQos Qos => (MqttQos)((Flags >> 1) & 0x03);

    /// <summary>PUBLISH only: RETAIN, bit 0.</summary>
    public bool Retain => (Flags & 0x01) != 0;

    /// <summary>The flags that byte 1 of <paramref name="type"/> must carry (PUBLISH excepted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte RequiredFlags(PacketType type) =>
        type is PacketType.PubRel or PacketType.Subscribe or PacketType.Unsubscribe ? (byte)0x02 : (byte)0x00;
}
