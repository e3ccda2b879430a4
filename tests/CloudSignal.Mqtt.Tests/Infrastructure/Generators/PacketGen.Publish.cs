using CloudSignal.Mqtt.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace CloudSignal.Mqtt.Tests.Infrastructure.Generators;

/// <summary>Valid packets for the round-trip properties: one partial file per packet family.</summary>
internal static partial class PacketGen
{
    public static Gen<PublishPacket> Publish(MqttProtocolVersion version) =>
        from qos in Gen.Elements(MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.ExactlyOnce)
        from dup in qos == MqttQos.AtMostOnce ? Gen.Constant(false) : Gen.Elements(false, true)
        from retain in Gen.Elements(false, true)
        from id in qos == MqttQos.AtMostOnce ? Gen.Constant((ushort)0) : PrimitiveGen.PacketIdentifier
        from properties in version == MqttProtocolVersion.V500 ? PublishPacketProperties : Gen.Constant(default(PublishPacketProperties))
        from topic in properties.TopicAlias is null ? PrimitiveGen.TopicName : Gen.Frequency((1, PrimitiveGen.TopicName), (1, Gen.Constant(string.Empty)))
        from payload in PrimitiveGen.Payload
        select new PublishPacket
        {
            Dup = dup,
            Qos = qos,
            Retain = retain,
            TopicName = topic,
            PacketIdentifier = id,
            Properties = properties,
            Payload = payload,
        };

    public static Gen<PublishPacketProperties> PublishPacketProperties =>
        from format in PrimitiveGen.Optional(Gen.Elements((byte)0, (byte)1))
        from expiry in PrimitiveGen.Optional(Gen.Elements(0u, 1u, 60u, uint.MaxValue))
        from contentType in PrimitiveGen.OptionalString
        from responseTopic in PrimitiveGen.Optional(PrimitiveGen.TopicName.Select(t => (MqttString)t))
        from correlation in PrimitiveGen.OptionalBinary
        from subscriptionIds in Gen.Frequency(
            (3, Gen.Constant(Array.Empty<uint>())),
            (1, Gen.NonEmptyListOf(PrimitiveGen.Vbi.Where(v => v > 0).Select(v => (uint)v)).Select(l => l.ToArray())))
        from alias in PrimitiveGen.Optional(Gen.Choose(1, ushort.MaxValue).Select(a => (ushort)a))
        from user in PrimitiveGen.UserProperties
        select new PublishPacketProperties
        {
            PayloadFormatIndicator = format,
            MessageExpiryInterval = expiry,
            ContentType = contentType,
            ResponseTopic = responseTopic,
            CorrelationData = correlation,
            SubscriptionIdentifiers = subscriptionIds,
            TopicAlias = alias,
            UserProperties = user,
        };

    public static Gen<AckProperties> AckProperties(MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V311
            ? Gen.Constant(default(AckProperties))
            : from reason in PrimitiveGen.OptionalString
              from user in PrimitiveGen.UserProperties
              select new AckProperties { ReasonString = reason, UserProperties = user };

    public static Gen<PubAckPacket> PubAck(MqttProtocolVersion version) =>
        from id in PrimitiveGen.PacketIdentifier
        from code in ReasonCode(version, 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99)
        from properties in AckProperties(version)
        select new PubAckPacket(id, code, properties);

    public static Gen<PubRecPacket> PubRec(MqttProtocolVersion version) =>
        from id in PrimitiveGen.PacketIdentifier
        from code in ReasonCode(version, 0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99)
        from properties in AckProperties(version)
        select new PubRecPacket(id, code, properties);

    public static Gen<PubRelPacket> PubRel(MqttProtocolVersion version) =>
        from id in PrimitiveGen.PacketIdentifier
        from code in ReasonCode(version, 0x00, 0x92)
        from properties in AckProperties(version)
        select new PubRelPacket(id, code, properties);

    public static Gen<PubCompPacket> PubComp(MqttProtocolVersion version) =>
        from id in PrimitiveGen.PacketIdentifier
        from code in ReasonCode(version, 0x00, 0x92)
        from properties in AckProperties(version)
        select new PubCompPacket(id, code, properties);

    public static Gen<PingReqPacket> PingReq => Gen.Constant(default(PingReqPacket));

    public static Gen<PingRespPacket> PingResp => Gen.Constant(default(PingRespPacket));

    /// <summary>One of <paramref name="codes"/> in 5.0; always Success in 3.1.1, which has no reason codes.</summary>
    public static Gen<MqttReasonCode> ReasonCode(MqttProtocolVersion version, params byte[] codes) =>
        version == MqttProtocolVersion.V311
            ? Gen.Constant(MqttReasonCode.Success)
            : Gen.Elements(codes).Select(c => (MqttReasonCode)c);
}
