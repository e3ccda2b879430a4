namespace CloudSignal.Mqtt.Protocol;

/// <summary>Which reason codes each MQTT 5.0 packet may carry (spec Tables 3-1, 3-4 … 3-11).</summary>
internal static class ReasonCodes
{
    // One bit per code, as four 64-bit words; built once from the spec tables.
    private static readonly ulong[] ConnAck = Mask(0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F);
    private static readonly ulong[] PubAckOrRec = Mask(0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
    private static readonly ulong[] PubRelOrComp = Mask(0x00, 0x92);
    private static readonly ulong[] SubAck = Mask(0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2);
    private static readonly ulong[] UnsubAck = Mask(0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91);
    // Table 3-10 plus 0x8C Bad authentication method, which Table 2-6 lists for DISCONNECT and a
    // server sends when re-authentication fails (§4.12.1); Table 3-10 omits it.
    private static readonly ulong[] Disconnect = Mask(0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2);
    private static readonly ulong[] Auth = Mask(0x00, 0x18, 0x19);

    /// <summary>True when <paramref name="code"/> is defined for <paramref name="type"/> in MQTT 5.0.</summary>
    public static bool IsAllowed(PacketType type, byte code)
    {
        ulong[]? mask = type switch
        {
            PacketType.ConnAck => ConnAck,
            PacketType.PubAck or PacketType.PubRec => PubAckOrRec,
            PacketType.PubRel or PacketType.PubComp => PubRelOrComp,
            PacketType.SubAck => SubAck,
            PacketType.UnsubAck => UnsubAck,
            PacketType.Disconnect => Disconnect,
            PacketType.Auth => Auth,
            _ => null,
        };
        return mask is not null && (mask[code >> 6] & (1UL << (code & 63))) != 0;
    }

    private static ulong[] Mask(params ReadOnlySpan<int> codes)
    {
        var mask = new ulong[4];
        foreach (int code in codes)
        {
            mask[code >> 6] |= 1UL << (code & 63);
        }

        return mask;
    }
}
