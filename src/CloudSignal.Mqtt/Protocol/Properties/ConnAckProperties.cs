namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// CONNACK properties (5.0 §3.2.2.3): the server's limits and answers. Null means absent,
/// and the client applies the spec default (Maximum QoS 2, Retain Available 1, …).
/// Written in the order of §3.2.2.3.2 … §3.2.2.3.18.
/// </summary>
internal readonly record struct ConnAckProperties
{
    /// <summary>0x11, seconds; overrides the client's value (§3.2.2.3.2).</summary>
    public uint? SessionExpiryInterval { get; init; }

    /// <summary>0x21; 0 is a Protocol Error (§3.2.2.3.3).</summary>
    public ushort? ReceiveMaximum { get; init; }

    /// <summary>0x24; only 0 or 1 may be sent, absent means 2 (§3.2.2.3.4).</summary>
    public MqttQos? MaximumQoS { get; init; }

    /// <summary>0x25 (§3.2.2.3.5).</summary>
    public bool? RetainAvailable { get; init; }

    /// <summary>0x27, bytes, counting the whole packet; 0 is a Protocol Error (§3.2.2.3.6).</summary>
    public uint? MaximumPacketSize { get; init; }

    /// <summary>0x12, when the client sent a zero-length Client Identifier (§3.2.2.3.7).</summary>
    public MqttString? AssignedClientIdentifier { get; init; }

    /// <summary>0x22 (§3.2.2.3.8).</summary>
    public ushort? TopicAliasMaximum { get; init; }

    /// <summary>0x1F (§3.2.2.3.9).</summary>
    public MqttString? ReasonString { get; init; }

    public UserProperties UserProperties { get; init; }

    /// <summary>0x28 (§3.2.2.3.11).</summary>
    public bool? WildcardSubscriptionAvailable { get; init; }

    /// <summary>0x29 (§3.2.2.3.12).</summary>
    public bool? SubscriptionIdentifierAvailable { get; init; }

    /// <summary>0x2A (§3.2.2.3.13).</summary>
    public bool? SharedSubscriptionAvailable { get; init; }

    /// <summary>0x13, seconds; the client MUST use it instead of its own (§3.2.2.3.14, [MQTT-3.2.2-21]).</summary>
    public ushort? ServerKeepAlive { get; init; }

    /// <summary>0x1A (§3.2.2.3.15).</summary>
    public MqttString? ResponseInformation { get; init; }

    /// <summary>0x1C, with reason codes 0x9C/0x9D (§3.2.2.3.16).</summary>
    public MqttString? ServerReference { get; init; }

    /// <summary>0x15 (§3.2.2.3.17).</summary>
    public MqttString? AuthenticationMethod { get; init; }

    /// <summary>
    /// 0x16 (§3.2.2.3.18). Unlike CONNECT (§3.1.2.11.10), the CONNACK section does not make
    /// data without a method a Protocol Error, so neither side enforces it here.
    /// </summary>
    public MqttBinary? AuthenticationData { get; init; }

    /// <summary>Length of the property block (without its own length prefix); validates values.</summary>
    public int GetLength()
    {
        if (ReceiveMaximum == 0)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Receive Maximum", "0 is not allowed");
        }

        if (MaximumPacketSize == 0)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Maximum Packet Size", "0 is not allowed");
        }

        if (MaximumQoS is MqttQos qos && qos > MqttQos.AtLeastOnce)
        {
            // §3.2.2.3.4: a server that supports QoS 2 says so by leaving Maximum QoS out.
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Maximum QoS", $"{(int)qos} may not be sent; only 0 or 1");
        }

        return PropertyWriter.Size(SessionExpiryInterval)
            + PropertyWriter.Size(ReceiveMaximum)
            + PropertyWriter.Size((byte?)MaximumQoS)
            + PropertyWriter.Size(ConnectProperties.ToByte(RetainAvailable))
            + PropertyWriter.Size(MaximumPacketSize)
            + PropertyWriter.Size(AssignedClientIdentifier, "Assigned Client Identifier")
            + PropertyWriter.Size(TopicAliasMaximum)
            + PropertyWriter.Size(ReasonString, "Reason String")
            + UserProperties.GetEncodedSize()
            + PropertyWriter.Size(ConnectProperties.ToByte(WildcardSubscriptionAvailable))
            + PropertyWriter.Size(ConnectProperties.ToByte(SubscriptionIdentifierAvailable))
            + PropertyWriter.Size(ConnectProperties.ToByte(SharedSubscriptionAvailable))
            + PropertyWriter.Size(ServerKeepAlive)
            + PropertyWriter.Size(ResponseInformation, "Response Information")
            + PropertyWriter.Size(ServerReference, "Server Reference")
            + PropertyWriter.Size(AuthenticationMethod, "Authentication Method")
            + PropertyWriter.Size(AuthenticationData, "Authentication Data");
    }

    public void Write(ref MqttWriter writer, int length)
    {
        writer.WriteVariableByteInteger(length);
        PropertyWriter.Write(ref writer, PropertyId.SessionExpiryInterval, SessionExpiryInterval);
        PropertyWriter.Write(ref writer, PropertyId.ReceiveMaximum, ReceiveMaximum);
        PropertyWriter.Write(ref writer, PropertyId.MaximumQoS, (byte?)MaximumQoS);
        PropertyWriter.Write(ref writer, PropertyId.RetainAvailable, ConnectProperties.ToByte(RetainAvailable));
        PropertyWriter.Write(ref writer, PropertyId.MaximumPacketSize, MaximumPacketSize);
        PropertyWriter.Write(ref writer, PropertyId.AssignedClientIdentifier, AssignedClientIdentifier);
        PropertyWriter.Write(ref writer, PropertyId.TopicAliasMaximum, TopicAliasMaximum);
        PropertyWriter.Write(ref writer, PropertyId.ReasonString, ReasonString);
        UserProperties.Write(ref writer);
        PropertyWriter.Write(ref writer, PropertyId.WildcardSubscriptionAvailable, ConnectProperties.ToByte(WildcardSubscriptionAvailable));
        PropertyWriter.Write(ref writer, PropertyId.SubscriptionIdentifierAvailable, ConnectProperties.ToByte(SubscriptionIdentifierAvailable));
        PropertyWriter.Write(ref writer, PropertyId.SharedSubscriptionAvailable, ConnectProperties.ToByte(SharedSubscriptionAvailable));
        PropertyWriter.Write(ref writer, PropertyId.ServerKeepAlive, ServerKeepAlive);
        PropertyWriter.Write(ref writer, PropertyId.ResponseInformation, ResponseInformation);
        PropertyWriter.Write(ref writer, PropertyId.ServerReference, ServerReference);
        PropertyWriter.Write(ref writer, PropertyId.AuthenticationMethod, AuthenticationMethod);
        PropertyWriter.Write(ref writer, PropertyId.AuthenticationData, AuthenticationData);
    }

    /// <summary>
    /// Reads the block. <see cref="PropertyReader"/> has already rejected a property not allowed
    /// in CONNACK (0x81), a repeat (0x82), and out-of-range values (0/1 bytes including Maximum
    /// QoS, Receive Maximum and Maximum Packet Size of 0: 0x82).
    /// </summary>
    public static ConnAckProperties Read(ref MqttReader reader)
    {
        var properties = PropertyReader.Open(ref reader, PropertyContext.ConnAck);
        var result = default(ConnAckProperties);
        int userProperties = 0;
        while (properties.TryRead(out Property p))
        {
            result = p.Id switch
            {
                PropertyId.SessionExpiryInterval => result with { SessionExpiryInterval = p.Integer },
                PropertyId.ReceiveMaximum => result with { ReceiveMaximum = (ushort)p.Integer },
                PropertyId.MaximumQoS => result with { MaximumQoS = (MqttQos)p.Integer },
                PropertyId.RetainAvailable => result with { RetainAvailable = p.Integer != 0 },
                PropertyId.MaximumPacketSize => result with { MaximumPacketSize = p.Integer },
                PropertyId.AssignedClientIdentifier => result with { AssignedClientIdentifier = p.Text },
                PropertyId.TopicAliasMaximum => result with { TopicAliasMaximum = (ushort)p.Integer },
                PropertyId.ReasonString => result with { ReasonString = p.Text },
                PropertyId.WildcardSubscriptionAvailable => result with { WildcardSubscriptionAvailable = p.Integer != 0 },
                PropertyId.SubscriptionIdentifierAvailable => result with { SubscriptionIdentifierAvailable = p.Integer != 0 },
                PropertyId.SharedSubscriptionAvailable => result with { SharedSubscriptionAvailable = p.Integer != 0 },
                PropertyId.ServerKeepAlive => result with { ServerKeepAlive = (ushort)p.Integer },
                PropertyId.ResponseInformation => result with { ResponseInformation = p.Text },
                PropertyId.ServerReference => result with { ServerReference = p.Text },
                PropertyId.AuthenticationMethod => result with { AuthenticationMethod = p.Text },
                PropertyId.AuthenticationData => result with { AuthenticationData = p.Binary },
                _ => result,
            };

            if (p.Id == PropertyId.UserProperty)
            {
                userProperties++;
            }
        }

        return result with { UserProperties = UserProperties.FromBlock(properties.Block, properties.BlockOffset, userProperties) };
    }
}
