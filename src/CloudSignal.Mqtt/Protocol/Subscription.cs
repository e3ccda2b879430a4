namespace CloudSignal.Mqtt.Protocol;

/// <summary>One Topic Filter of a SUBSCRIBE with the options that follow it (5.0 §3.8.3, 3.1.1 §3.8.3).</summary>
internal readonly record struct Subscription(MqttString TopicFilter, SubscriptionOptionFlags Options = default);

/// <summary>Retain Handling, bits 5–4 of the Subscription Options (5.0 §3.8.3.1). 3 is a Protocol Error.</summary>
internal enum RetainHandling : byte
{
    /// <summary>0: send retained messages at the time of the subscribe.</summary>
    SendAtSubscribe = 0,

    /// <summary>1: send retained messages only if the subscription does not already exist.</summary>
    SendAtSubscribeIfNew = 1,

    /// <summary>2: do not send retained messages at the time of the subscribe.</summary>
    DoNotSend = 2,
}

/// <summary>
/// The Subscription Options byte (5.0 §3.8.3.1); in 3.1.1 it is the Requested QoS byte
/// (3.1.1 §3.8.3) and only <see cref="MaximumQos"/> may be set.
/// <code>
/// bit    7  6 | 5  4            | 3                   | 2        | 1  0
///  Reserved   | Retain Handling | Retain As Published | No Local | Maximum QoS
/// </code>
/// </summary>
internal readonly record struct SubscriptionOptionFlags
{
    public MqttQos MaximumQos { get; init; }

    /// <summary>5.0 only: do not send this client its own messages [MQTT-3.8.3-3].</summary>
    public bool NoLocal { get; init; }

    /// <summary>5.0 only: keep the RETAIN flag of forwarded messages as published.</summary>
    public bool RetainAsPublished { get; init; }

    /// <summary>5.0 only.</summary>
    public RetainHandling RetainHandling { get; init; }

    /// <summary>The options byte; validates the fields for <paramref name="version"/> and throws as the decoder would.</summary>
    public byte ToByte(MqttProtocolVersion version)
    {
        if ((uint)MaximumQos > 2)
        {
            // 3.1.1 [MQTT-3.8.3-4]: malformed. 5.0 §3.8.3.1: "It is a Protocol Error if the Maximum QoS field has the value 3".
            ThrowHelper.Invalid(QosCode(version), "Maximum QoS", $"{(int)MaximumQos} is not a QoS level");
        }

        if (version != MqttProtocolVersion.V500)
        {
            if (NoLocal || RetainAsPublished || RetainHandling != RetainHandling.SendAtSubscribe)
            {
                ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Subscription Options", "No Local, Retain As Published and Retain Handling need MQTT 5.0");
            }

            return (byte)MaximumQos;
        }

        if ((uint)RetainHandling > 2)
        {
            // 5.0 §3.8.3.1: "It is a Protocol Error to send a Retain Handling value of 3".
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Retain Handling", $"{(int)RetainHandling} is not a retain handling option");
        }

        return (byte)((int)MaximumQos | (NoLocal ? 0x04 : 0) | (RetainAsPublished ? 0x08 : 0) | ((int)RetainHandling << 4));
    }

    /// <summary>Parses the options byte read at <paramref name="offset"/>; throws for reserved bits and invalid values.</summary>
    public static SubscriptionOptionFlags FromByte(byte value, MqttProtocolVersion version, long offset)
    {
        if (version != MqttProtocolVersion.V500)
        {
            if ((value & 0xFC) != 0)
            {
                // 3.1.1 [MQTT-3.8.3-4]: bits 7–2 are reserved.
                ThrowHelper.Malformed("Requested QoS", offset, $"reserved bits are set in 0x{value:X2}");
            }
        }
        else if ((value & 0xC0) != 0)
        {
            // 5.0 [MQTT-3.8.3-5]: bits 7–6 are reserved.
            ThrowHelper.Malformed("Subscription Options", offset, $"reserved bits 7–6 are set in 0x{value:X2}");
        }

        if ((value & 0x03) == 3)
        {
            // 3.1.1 [MQTT-3.8.3-4]: malformed. 5.0 §3.8.3.1: a Protocol Error.
            ThrowHelper.Throw(QosCode(version), "Maximum QoS", offset, "3 is not a QoS level");
        }

        int retainHandling = (value >> 4) & 0x03;
        if (retainHandling == 3)
        {
            // 5.0 §3.8.3.1: "It is a Protocol Error to send a Retain Handling value of 3".
            ThrowHelper.ProtocolError("Retain Handling", offset, "3 is not a retain handling option");
        }

        return new SubscriptionOptionFlags
        {
            MaximumQos = (MqttQos)(value & 0x03),
            NoLocal = (value & 0x04) != 0,
            RetainAsPublished = (value & 0x08) != 0,
            RetainHandling = (RetainHandling)retainHandling,
        };
    }

    private static MqttReasonCode QosCode(MqttProtocolVersion version) =>
        version == MqttProtocolVersion.V500 ? MqttReasonCode.ProtocolError : MqttReasonCode.MalformedPacket;
}
