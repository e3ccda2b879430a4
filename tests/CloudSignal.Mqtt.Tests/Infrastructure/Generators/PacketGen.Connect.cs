using CloudSignal.Mqtt.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace CloudSignal.Mqtt.Tests.Infrastructure.Generators;

/// <summary>
/// Valid CONNECT and CONNACK packets. Each property block is, one time in four, generated with
/// every property present, so the "all 9 / all 7 / all 17" cases are not left to 1-in-512 luck.
/// Strings come from <see cref="PrimitiveGen.Text"/>: empty, multi-byte, and 65,535 bytes.
/// </summary>
internal static partial class PacketGen
{
    // Table 3-1 (5.0) and Table 3.1 (3.1.1).
    private static readonly byte[] ConnAckCodesV500 =
        [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F];

    private static readonly byte[] ConnAckCodesV311 = [0, 1, 2, 3, 4, 5];

    public static Gen<ConnectPacket> Connect(MqttProtocolVersion version) =>
        from clientId in Gen.Frequency((1, Gen.Constant(string.Empty)), (4, PrimitiveGen.Text))
        from cleanStart in version == MqttProtocolVersion.V311 && clientId.Length == 0
            ? Gen.Constant(true) // 3.1.1 [MQTT-3.1.3-7]
            : Gen.Elements(false, true)
        from keepAlive in Gen.Frequency((2, Gen.Elements(0, 1, 60, ushort.MaxValue)), (1, Gen.Choose(0, ushort.MaxValue))).Select(k => (ushort)k)
        from properties in version == MqttProtocolVersion.V500 ? ConnectProperties : Gen.Constant(default(ConnectProperties))
        from will in PrimitiveGen.Optional(Will(version))
        from userName in PrimitiveGen.OptionalString
        from password in version == MqttProtocolVersion.V311 && userName is null
            ? Gen.Constant<MqttBinary?>(null) // 3.1.1 [MQTT-3.1.2-22]
            : PrimitiveGen.OptionalBinary
        select new ConnectPacket
        {
            ProtocolVersion = version,
            CleanStart = cleanStart,
            KeepAlive = keepAlive,
            Properties = properties,
            ClientId = clientId,
            Will = will,
            UserName = userName,
            Password = password,
        };

    public static Gen<ConnectWill> Will(MqttProtocolVersion version) =>
        from topic in PrimitiveGen.TopicName
        from payload in PrimitiveGen.Binary
        from qos in Gen.Elements(MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.ExactlyOnce)
        from retain in Gen.Elements(false, true)
        from properties in version == MqttProtocolVersion.V500 ? WillProperties : Gen.Constant(default(WillProperties))
        select new ConnectWill { Topic = topic, Payload = payload, Qos = qos, Retain = retain, Properties = properties };

    public static Gen<ConnectProperties> ConnectProperties =>
        from all in EveryPropertySometimes
        from sessionExpiry in Maybe(all, Gen.Elements(0u, 1u, 3600u, uint.MaxValue))
        from receiveMaximum in Maybe(all, NonZeroUInt16)
        from maximumPacketSize in Maybe(all, Gen.Elements(1u, 128u, 65_536u, 268_435_460u, uint.MaxValue))
        from topicAliasMaximum in Maybe(all, Gen.Choose(0, ushort.MaxValue).Select(v => (ushort)v))
        from requestResponse in Maybe(all, Gen.Elements(false, true))
        from requestProblem in Maybe(all, Gen.Elements(false, true))
        from user in PrimitiveGen.UserProperties
        from method in Maybe(all, PrimitiveGen.String)
        from data in method is null ? Gen.Constant<MqttBinary?>(null) : Maybe(all, PrimitiveGen.Binary.Select(b => (MqttBinary)b))
        select new ConnectProperties
        {
            SessionExpiryInterval = sessionExpiry,
            ReceiveMaximum = receiveMaximum,
            MaximumPacketSize = maximumPacketSize,
            TopicAliasMaximum = topicAliasMaximum,
            RequestResponseInformation = requestResponse,
            RequestProblemInformation = requestProblem,
            UserProperties = user,
            AuthenticationMethod = method,
            AuthenticationData = data,
        };

    public static Gen<WillProperties> WillProperties =>
        from all in EveryPropertySometimes
        from delay in Maybe(all, Gen.Elements(0u, 1u, 86_400u, uint.MaxValue))
        from format in Maybe(all, Gen.Elements((byte)0, (byte)1))
        from expiry in Maybe(all, Gen.Elements(0u, 60u, uint.MaxValue))
        from contentType in Maybe(all, PrimitiveGen.String)
        from responseTopic in Maybe(all, PrimitiveGen.TopicName.Select(t => (MqttString)t))
        from correlation in Maybe(all, PrimitiveGen.Binary.Select(b => (MqttBinary)b))
        from user in PrimitiveGen.UserProperties
        select new WillProperties
        {
            WillDelayInterval = delay,
            PayloadFormatIndicator = format,
            MessageExpiryInterval = expiry,
            ContentType = contentType,
            ResponseTopic = responseTopic,
            CorrelationData = correlation,
            UserProperties = user,
        };

    public static Gen<ConnAckPacket> ConnAck(MqttProtocolVersion version) =>
        from code in Gen.Elements(version == MqttProtocolVersion.V500 ? ConnAckCodesV500 : ConnAckCodesV311)
        from sessionPresent in code == 0 ? Gen.Elements(false, true) : Gen.Constant(false) // [MQTT-3.2.2-4]/[MQTT-3.2.2-6]
        from properties in version == MqttProtocolVersion.V500 ? ConnAckProperties : Gen.Constant(default(ConnAckProperties))
        select new ConnAckPacket { SessionPresent = sessionPresent, ReasonCode = (MqttReasonCode)code, Properties = properties };

    public static Gen<ConnAckProperties> ConnAckProperties =>
        from all in EveryPropertySometimes
        from limits in ConnAckLimits(all)
        from text in ConnAckText(all)
        from user in PrimitiveGen.UserProperties
        select limits with
        {
            AssignedClientIdentifier = text.AssignedClientIdentifier,
            ReasonString = text.ReasonString,
            ResponseInformation = text.ResponseInformation,
            ServerReference = text.ServerReference,
            AuthenticationMethod = text.AuthenticationMethod,
            AuthenticationData = text.AuthenticationData,
            UserProperties = user,
        };

    // The numeric and flag properties; split from the strings to keep each query short.
    private static Gen<ConnAckProperties> ConnAckLimits(bool all) =>
        from sessionExpiry in Maybe(all, Gen.Elements(0u, 30u, uint.MaxValue))
        from receiveMaximum in Maybe(all, NonZeroUInt16)
        from maximumQos in Maybe(all, Gen.Elements(MqttQos.AtMostOnce, MqttQos.AtLeastOnce))
        from retain in Maybe(all, Gen.Elements(false, true))
        from maximumPacketSize in Maybe(all, Gen.Elements(1u, 1024u, uint.MaxValue))
        from topicAliasMaximum in Maybe(all, Gen.Choose(0, ushort.MaxValue).Select(v => (ushort)v))
        from wildcard in Maybe(all, Gen.Elements(false, true))
        from subscriptionIds in Maybe(all, Gen.Elements(false, true))
        from shared in Maybe(all, Gen.Elements(false, true))
        from keepAlive in Maybe(all, Gen.Choose(0, ushort.MaxValue).Select(v => (ushort)v))
        select new ConnAckProperties
        {
            SessionExpiryInterval = sessionExpiry,
            ReceiveMaximum = receiveMaximum,
            MaximumQoS = maximumQos,
            RetainAvailable = retain,
            MaximumPacketSize = maximumPacketSize,
            TopicAliasMaximum = topicAliasMaximum,
            WildcardSubscriptionAvailable = wildcard,
            SubscriptionIdentifierAvailable = subscriptionIds,
            SharedSubscriptionAvailable = shared,
            ServerKeepAlive = keepAlive,
        };

    private static Gen<ConnAckProperties> ConnAckText(bool all) =>
        from assigned in Maybe(all, PrimitiveGen.String)
        from reason in Maybe(all, PrimitiveGen.String)
        from response in Maybe(all, PrimitiveGen.String)
        from reference in Maybe(all, PrimitiveGen.String)
        from method in Maybe(all, PrimitiveGen.String)
        from data in Maybe(all, PrimitiveGen.Binary.Select(b => (MqttBinary)b))
        select new ConnAckProperties
        {
            AssignedClientIdentifier = assigned,
            ReasonString = reason,
            ResponseInformation = response,
            ServerReference = reference,
            AuthenticationMethod = method,
            AuthenticationData = data,
        };

    private static Gen<bool> EveryPropertySometimes => Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)));

    private static Gen<ushort> NonZeroUInt16 =>
        Gen.Frequency((1, Gen.Elements(1, 2, ushort.MaxValue)), (2, Gen.Choose(1, ushort.MaxValue))).Select(v => (ushort)v);

    /// <summary>Always present when <paramref name="all"/>, else present half the time.</summary>
    private static Gen<T?> Maybe<T>(bool all, Gen<T> gen)
        where T : struct =>
        all ? gen.Select(v => (T?)v) : PrimitiveGen.Optional(gen);
}
