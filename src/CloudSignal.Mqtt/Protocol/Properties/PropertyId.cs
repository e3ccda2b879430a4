namespace CloudSignal.Mqtt.Protocol;

/// <summary>MQTT 5.0 property identifiers (spec §2.2.2.2, Table 2-4). All 27 fit in one VBI byte.</summary>
internal enum PropertyId : byte
{
    PayloadFormatIndicator = 0x01,
    MessageExpiryInterval = 0x02,
    ContentType = 0x03,
    ResponseTopic = 0x08,
    CorrelationData = 0x09,
    SubscriptionIdentifier = 0x0B,
    SessionExpiryInterval = 0x11,
    AssignedClientIdentifier = 0x12,
    ServerKeepAlive = 0x13,
    AuthenticationMethod = 0x15,
    AuthenticationData = 0x16,
    RequestProblemInformation = 0x17,
    WillDelayInterval = 0x18,
    RequestResponseInformation = 0x19,
    ResponseInformation = 0x1A,
    ServerReference = 0x1C,
    ReasonString = 0x1F,
    ReceiveMaximum = 0x21,
    TopicAliasMaximum = 0x22,
    TopicAlias = 0x23,
    MaximumQoS = 0x24,
    RetainAvailable = 0x25,
    UserProperty = 0x26,
    MaximumPacketSize = 0x27,
    WildcardSubscriptionAvailable = 0x28,
    SubscriptionIdentifierAvailable = 0x29,
    SharedSubscriptionAvailable = 0x2A,
}

/// <summary>The wire types of property values (5.0 §1.5).</summary>
internal enum PropertyType : byte
{
    Byte,
    TwoByteInteger,
    FourByteInteger,
    VariableByteInteger,
    Utf8String,
    BinaryData,
    Utf8StringPair,
}

/// <summary>The places a property may appear; one bit each.</summary>
[Flags]
internal enum PropertyContext : ushort
{
    None = 0,
    Connect = 1 << 0,
    Will = 1 << 1,
    ConnAck = 1 << 2,
    Publish = 1 << 3,

    /// <summary>PUBACK, PUBREC, PUBREL and PUBCOMP.</summary>
    PublishResponse = 1 << 4,
    Subscribe = 1 << 5,
    SubAck = 1 << 6,
    Unsubscribe = 1 << 7,
    UnsubAck = 1 << 8,
    Disconnect = 1 << 9,
    Auth = 1 << 10,
    All = (1 << 11) - 1,
}
