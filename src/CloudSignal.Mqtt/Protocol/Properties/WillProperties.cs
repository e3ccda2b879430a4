namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Will Properties (5.0 §3.1.3.2), in the CONNECT payload before the Will Topic. The same
/// message properties a PUBLISH carries, plus the Will Delay Interval. Written in the order
/// of §3.1.3.2.2 … §3.1.3.2.8.
/// </summary>
internal readonly record struct WillProperties
{
    /// <summary>0x18, seconds to wait before publishing the will; absent means 0 (§3.1.3.2.2).</summary>
    public uint? WillDelayInterval { get; init; }

    /// <summary>0x01: 0 unspecified bytes, 1 UTF-8 (§3.1.3.2.3).</summary>
    public byte? PayloadFormatIndicator { get; init; }

    /// <summary>0x02, seconds (§3.1.3.2.4).</summary>
    public uint? MessageExpiryInterval { get; init; }

    /// <summary>0x03 (§3.1.3.2.5).</summary>
    public MqttString? ContentType { get; init; }

    /// <summary>0x08, a Topic Name: no wildcards (§3.1.3.2.6).</summary>
    public MqttString? ResponseTopic { get; init; }

    /// <summary>0x09 (§3.1.3.2.7).</summary>
    public MqttBinary? CorrelationData { get; init; }

    public UserProperties UserProperties { get; init; }

    /// <summary>Length of the property block (without its own length prefix); validates values.</summary>
    public int GetLength()
    {
        if (PayloadFormatIndicator > 1)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Payload Format Indicator", "must be 0 or 1");
        }

        if (ResponseTopic is MqttString responseTopic)
        {
            // [MQTT-3.3.2-14] (applies to the will's Response Topic by §3.1.3.2.6): a Topic Name.
            FieldSize.TopicName(responseTopic, "Response Topic", mayBeEmpty: false);
        }

        return PropertyWriter.Size(WillDelayInterval)
            + PropertyWriter.Size(PayloadFormatIndicator)
            + PropertyWriter.Size(MessageExpiryInterval)
            + PropertyWriter.Size(ContentType, "Content Type")
            + PropertyWriter.Size(ResponseTopic, "Response Topic")
            + PropertyWriter.Size(CorrelationData, "Correlation Data")
            + UserProperties.GetEncodedSize();
    }

    public void Write(ref MqttWriter writer, int length)
    {
        writer.WriteVariableByteInteger(length);
        PropertyWriter.Write(ref writer, PropertyId.WillDelayInterval, WillDelayInterval);
        PropertyWriter.Write(ref writer, PropertyId.PayloadFormatIndicator, PayloadFormatIndicator);
        PropertyWriter.Write(ref writer, PropertyId.MessageExpiryInterval, MessageExpiryInterval);
        PropertyWriter.Write(ref writer, PropertyId.ContentType, ContentType);
        PropertyWriter.Write(ref writer, PropertyId.ResponseTopic, ResponseTopic);
        PropertyWriter.Write(ref writer, PropertyId.CorrelationData, CorrelationData);
        UserProperties.Write(ref writer);
    }

    /// <summary>Reads the block; <see cref="PropertyReader"/> enforces placement, repeats and 0/1 values.</summary>
    public static WillProperties Read(ref MqttReader reader)
    {
        var properties = PropertyReader.Open(ref reader, PropertyContext.Will);
        uint? delay = null, expiry = null;
        byte? payloadFormat = null;
        MqttString? contentType = null, responseTopic = null;
        MqttBinary? correlationData = null;
        int userProperties = 0;
        while (properties.TryRead(out Property p))
        {
            switch (p.Id)
            {
                case PropertyId.WillDelayInterval: delay = p.Integer; break;
                case PropertyId.PayloadFormatIndicator: payloadFormat = (byte)p.Integer; break;
                case PropertyId.MessageExpiryInterval: expiry = p.Integer; break;
                case PropertyId.ContentType: contentType = p.Text; break;
                case PropertyId.ResponseTopic:
                    if (p.Text.IsEmpty || p.Text.ContainsAny('+', '#'))
                    {
                        // [MQTT-3.3.2-14], as PublishPacketProperties does for a PUBLISH.
                        ThrowHelper.ProtocolError("Response Topic", p.Offset, "must be a topic name without wildcards");
                    }

                    responseTopic = p.Text;
                    break;
                case PropertyId.CorrelationData: correlationData = p.Binary; break;
                default: userProperties++; break;
            }
        }

        return new WillProperties
        {
            WillDelayInterval = delay,
            PayloadFormatIndicator = payloadFormat,
            MessageExpiryInterval = expiry,
            ContentType = contentType,
            ResponseTopic = responseTopic,
            CorrelationData = correlationData,
            UserProperties = UserProperties.FromBlock(properties.Block, properties.BlockOffset, userProperties),
        };
    }
}
