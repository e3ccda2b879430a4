namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// CONNECT properties (5.0 §3.1.2.11). Null means absent, and the receiver applies the
/// spec default (Receive Maximum 65,535, Topic Alias Maximum 0, Request Problem Information 1 …).
/// Written in the order of §3.1.2.11.2 … §3.1.2.11.10.
/// </summary>
internal readonly record struct ConnectProperties
{
    /// <summary>0x11, seconds; absent or 0: the session ends with the network connection (§3.1.2.11.2).</summary>
    public uint? SessionExpiryInterval { get; init; }

    /// <summary>0x21; 0 is a Protocol Error (§3.1.2.11.3).</summary>
    public ushort? ReceiveMaximum { get; init; }

    /// <summary>0x27, bytes, counting the whole packet; 0 is a Protocol Error (§3.1.2.11.4).</summary>
    public uint? MaximumPacketSize { get; init; }

    /// <summary>0x22 (§3.1.2.11.5).</summary>
    public ushort? TopicAliasMaximum { get; init; }

    /// <summary>0x19, a 0/1 byte on the wire (§3.1.2.11.6).</summary>
    public bool? RequestResponseInformation { get; init; }

    /// <summary>0x17, a 0/1 byte on the wire (§3.1.2.11.7).</summary>
    public bool? RequestProblemInformation { get; init; }

    public UserProperties UserProperties { get; init; }

    /// <summary>0x15; present means enhanced authentication (§3.1.2.11.9).</summary>
    public MqttString? AuthenticationMethod { get; init; }

    /// <summary>0x16; a Protocol Error without <see cref="AuthenticationMethod"/> (§3.1.2.11.10).</summary>
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

        if (AuthenticationData.HasValue && !AuthenticationMethod.HasValue)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Authentication Data", "needs an Authentication Method");
        }

        return PropertyWriter.Size(SessionExpiryInterval)
            + PropertyWriter.Size(ReceiveMaximum)
            + PropertyWriter.Size(MaximumPacketSize)
            + PropertyWriter.Size(TopicAliasMaximum)
            + PropertyWriter.Size(ToByte(RequestResponseInformation))
            + PropertyWriter.Size(ToByte(RequestProblemInformation))
            + UserProperties.GetEncodedSize()
            + PropertyWriter.Size(AuthenticationMethod, "Authentication Method")
            + PropertyWriter.Size(AuthenticationData, "Authentication Data");
    }

    public void Write(ref MqttWriter writer, int length)
    {
        writer.WriteVariableByteInteger(length);
        PropertyWriter.Write(ref writer, PropertyId.SessionExpiryInterval, SessionExpiryInterval);
        PropertyWriter.Write(ref writer, PropertyId.ReceiveMaximum, ReceiveMaximum);
        PropertyWriter.Write(ref writer, PropertyId.MaximumPacketSize, MaximumPacketSize);
        PropertyWriter.Write(ref writer, PropertyId.TopicAliasMaximum, TopicAliasMaximum);
        PropertyWriter.Write(ref writer, PropertyId.RequestResponseInformation, ToByte(RequestResponseInformation));
        PropertyWriter.Write(ref writer, PropertyId.RequestProblemInformation, ToByte(RequestProblemInformation));
        UserProperties.Write(ref writer);
        PropertyWriter.Write(ref writer, PropertyId.AuthenticationMethod, AuthenticationMethod);
        PropertyWriter.Write(ref writer, PropertyId.AuthenticationData, AuthenticationData);
    }

    /// <summary>
    /// Reads the block. <see cref="PropertyReader"/> has already rejected a property not allowed
    /// in CONNECT (0x81), a repeat (0x82), and out-of-range values (0/1 bytes, Receive Maximum
    /// and Maximum Packet Size of 0: 0x82).
    /// </summary>
    public static ConnectProperties Read(ref MqttReader reader)
    {
        var properties = PropertyReader.Open(ref reader, PropertyContext.Connect);
        uint? sessionExpiry = null, maximumPacketSize = null;
        ushort? receiveMaximum = null, topicAliasMaximum = null;
        bool? requestResponse = null, requestProblem = null;
        MqttString? authenticationMethod = null;
        MqttBinary? authenticationData = null;
        long authenticationDataOffset = 0;
        int userProperties = 0;
        while (properties.TryRead(out Property p))
        {
            switch (p.Id)
            {
                case PropertyId.SessionExpiryInterval: sessionExpiry = p.Integer; break;
                case PropertyId.ReceiveMaximum: receiveMaximum = (ushort)p.Integer; break;
                case PropertyId.MaximumPacketSize: maximumPacketSize = p.Integer; break;
                case PropertyId.TopicAliasMaximum: topicAliasMaximum = (ushort)p.Integer; break;
                case PropertyId.RequestResponseInformation: requestResponse = p.Integer != 0; break;
                case PropertyId.RequestProblemInformation: requestProblem = p.Integer != 0; break;
                case PropertyId.AuthenticationMethod: authenticationMethod = p.Text; break;
                case PropertyId.AuthenticationData:
                    authenticationData = p.Binary;
                    authenticationDataOffset = p.Offset;
                    break;
                default: userProperties++; break;
            }
        }

        if (authenticationData.HasValue && !authenticationMethod.HasValue)
        {
            // 5.0 §3.1.2.11.10: "It is a Protocol Error to include Authentication Data if there is no Authentication Method".
            ThrowHelper.ProtocolError("Authentication Data", authenticationDataOffset, "Authentication Data without an Authentication Method");
        }

        return new ConnectProperties
        {
            SessionExpiryInterval = sessionExpiry,
            ReceiveMaximum = receiveMaximum,
            MaximumPacketSize = maximumPacketSize,
            TopicAliasMaximum = topicAliasMaximum,
            RequestResponseInformation = requestResponse,
            RequestProblemInformation = requestProblem,
            UserProperties = UserProperties.FromBlock(properties.Block, properties.BlockOffset, userProperties),
            AuthenticationMethod = authenticationMethod,
            AuthenticationData = authenticationData,
        };
    }

    /// <summary>A 0/1 property byte for a flag; null stays absent.</summary>
    internal static byte? ToByte(bool? value) => value is bool b ? (byte)(b ? 1 : 0) : null;
}
