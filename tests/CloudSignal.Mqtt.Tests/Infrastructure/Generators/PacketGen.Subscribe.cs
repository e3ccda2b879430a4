using CloudSignal.Mqtt.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace CloudSignal.Mqtt.Tests.Infrastructure.Generators;

/// <summary>Valid SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK packets for the round-trip properties.</summary>
internal static partial class PacketGen
{
    private static readonly byte[] SubAckCodesV311 = [0x00, 0x01, 0x02, 0x80];
    private static readonly byte[] SubAckCodesV500 = [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2];
    private static readonly byte[] UnsubAckCodesV500 = [0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91];

    public static Gen<SubscribePacket> Subscribe(MqttProtocolVersion version) =>
        from id in PrimitiveGen.PacketIdentifier
        from properties in version == MqttProtocolVersion.V500 ? SubscribeProperties : Gen.Constant(default(SubscribeProperties))
        from subscriptions in ListCount.SelectMany(n => Gen.ArrayOf(Subscription(version), n))
        select new SubscribePacket { PacketIdentifier = id, Properties = properties, Subscriptions = subscriptions };

    public static Gen<SubscribeProperties> SubscribeProperties =>
        from id in PrimitiveGen.Optional(PrimitiveGen.Vbi.Where(v => v > 0).Select(v => (uint)v))
        from user in PrimitiveGen.UserProperties
        select new SubscribeProperties { SubscriptionIdentifier = id, UserProperties = user };

    public static Gen<Subscription> Subscription(MqttProtocolVersion version) =>
        from filter in PrimitiveGen.TopicFilter
        from options in SubscriptionOptionFlags(version, shared: version == MqttProtocolVersion.V500 && filter.StartsWith("$share/", StringComparison.Ordinal))
        select new Subscription(filter, options);

    /// <summary>Every option; No Local stays 0 on a 5.0 shared subscription [MQTT-3.8.3-4].</summary>
    public static Gen<SubscriptionOptionFlags> SubscriptionOptionFlags(MqttProtocolVersion version, bool shared) =>
        from qos in Gen.Elements(MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.ExactlyOnce)
        from noLocal in version == MqttProtocolVersion.V500 && !shared ? Gen.Elements(false, true) : Gen.Constant(false)
        from retainAsPublished in version == MqttProtocolVersion.V500 ? Gen.Elements(false, true) : Gen.Constant(false)
        from retainHandling in version == MqttProtocolVersion.V500
            ? Gen.Elements(RetainHandling.SendAtSubscribe, RetainHandling.SendAtSubscribeIfNew, RetainHandling.DoNotSend)
            : Gen.Constant(RetainHandling.SendAtSubscribe)
        select new SubscriptionOptionFlags { MaximumQos = qos, NoLocal = noLocal, RetainAsPublished = retainAsPublished, RetainHandling = retainHandling };

    public static Gen<SubAckPacket> SubAck(MqttProtocolVersion version) =>
        from id in PrimitiveGen.PacketIdentifier
        from properties in AckProperties(version)
        from codes in ListCount.SelectMany(n => Gen.ArrayOf(
            Gen.Elements(version == MqttProtocolVersion.V500 ? SubAckCodesV500 : SubAckCodesV311).Select(c => (MqttReasonCode)c), n))
        select new SubAckPacket { PacketIdentifier = id, Properties = properties, ReasonCodes = codes };

    public static Gen<UnsubscribePacket> Unsubscribe(MqttProtocolVersion version) =>
        from id in PrimitiveGen.PacketIdentifier
        from user in version == MqttProtocolVersion.V500 ? PrimitiveGen.UserProperties : Gen.Constant(Array.Empty<UserProperty>())
        from filters in ListCount.SelectMany(n => Gen.ArrayOf(PrimitiveGen.TopicFilter.Select(f => (MqttString)f), n))
        select new UnsubscribePacket { PacketIdentifier = id, UserProperties = user, TopicFilters = filters };

    public static Gen<UnsubAckPacket> UnsubAck(MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V311
            ? PrimitiveGen.PacketIdentifier.Select(id => new UnsubAckPacket { PacketIdentifier = id })
            : from id in PrimitiveGen.PacketIdentifier
              from properties in AckProperties(version)
              from codes in ListCount.SelectMany(n => Gen.ArrayOf(Gen.Elements(UnsubAckCodesV500).Select(c => (MqttReasonCode)c), n))
              select new UnsubAckPacket { PacketIdentifier = id, Properties = properties, ReasonCodes = codes };

    /// <summary>Mostly one to three entries, sometimes many.</summary>
    private static Gen<int> ListCount => Gen.Frequency((6, Gen.Choose(1, 3)), (1, Gen.Choose(4, 60)));
}
