using CloudSignal.Mqtt.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace CloudSignal.Mqtt.Tests.Infrastructure.Generators;

/// <summary>DISCONNECT and AUTH: valid packets only, so every one must survive a round trip.</summary>
internal static partial class PacketGen
{
    /// <summary>Table 3-10, all senders (5.0 §3.14.2.1).</summary>
    private static readonly byte[] DisconnectCodes =
    [
        0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
        0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
    ];

    /// <summary>In 3.1.1 DISCONNECT has no content, so the only packet is <c>E0 00</c>.</summary>
    public static Gen<DisconnectPacket> Disconnect(MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V311
            ? Gen.Constant(default(DisconnectPacket))
            : from code in ReasonCode(version, DisconnectCodes)
              from properties in Gen.Frequency((1, Gen.Constant(default(DisconnectProperties))), (3, DisconnectProperties))
              select new DisconnectPacket(code, properties);

    public static Gen<DisconnectProperties> DisconnectProperties =>
        from expiry in PrimitiveGen.Optional(Gen.Elements(0u, 1u, 3600u, uint.MaxValue))
        from serverReference in PrimitiveGen.OptionalString
        from reason in PrimitiveGen.OptionalString
        from user in PrimitiveGen.UserProperties
        select new DisconnectProperties
        {
            SessionExpiryInterval = expiry,
            ServerReference = serverReference,
            ReasonString = reason,
            UserProperties = user,
        };

    /// <summary>
    /// 5.0 only. Either the bare Success short form or an AUTH with an Authentication Method,
    /// the only shapes 5.0 §3.15.2.1 and §3.15.2.2.2 allow.
    /// </summary>
    public static Gen<AuthPacket> Auth =>
        Gen.Frequency(
            (1, Gen.Constant(default(AuthPacket))),
            (6, from code in ReasonCode(MqttProtocolVersion.V500, 0x00, 0x18, 0x19)
                from properties in AuthProperties
                select new AuthPacket(code, properties)));

    /// <summary>Always with an Authentication Method (§3.15.2.2.2).</summary>
    public static Gen<AuthProperties> AuthProperties =>
        from method in Gen.Frequency(
            (3, Gen.Elements("SCRAM-SHA-1", "SCRAM-SHA-256", "GS2-KRB5").Select(m => (MqttString)m)),
            (2, PrimitiveGen.String))
        from data in PrimitiveGen.OptionalBinary
        from reason in PrimitiveGen.OptionalString
        from user in PrimitiveGen.UserProperties
        select new AuthProperties
        {
            AuthenticationMethod = method,
            AuthenticationData = data,
            ReasonString = reason,
            UserProperties = user,
        };
}
