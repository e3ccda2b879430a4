namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// PUBLISH properties (5.0 §3.3.2.3). Null means absent. Decoded strings and bytes are
/// slices of the packet; user properties and subscription identifiers are views over the
/// property block, so decoding allocates nothing.
/// </summary>
internal readonly record struct PublishPacketProperties
{
    public byte? PayloadFormatIndicator { get; init; }

    public uint? MessageExpiryInterval { get; init; }

    public MqttString? ContentType { get; init; }

    public MqttString? ResponseTopic { get; init; }

    public MqttBinary? CorrelationData { get; init; }

    /// <summary>Only in a PUBLISH from the server [MQTT-3.3.4-6]; one per matching subscription.</summary>
    public SubscriptionIdentifiers SubscriptionIdentifiers { get; init; }

    public ushort? TopicAlias { get; init; }

    public UserProperties UserProperties { get; init; }

    /// <summary>
    /// True when no property is set: the same as <c>== default</c>, without comparing every
    /// member (3.1.1 encoding checks this on every PUBLISH). Internal, so not printed by ToString.
    /// </summary>
    internal bool IsEmpty =>
        PayloadFormatIndicator is null && MessageExpiryInterval is null && ContentType is null &&
        ResponseTopic is null && CorrelationData is null && TopicAlias is null &&
        SubscriptionIdentifiers.Count == 0 && UserProperties.Count == 0;

    /// <summary>Length of the property block (without its own length prefix); validates values.</summary>
    public int GetLength()
    {
        if (PayloadFormatIndicator > 1)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Payload Format Indicator", "must be 0 or 1");
        }

        if (TopicAlias == 0)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Topic Alias", "0 is not a valid topic alias");
        }

        if (ResponseTopic is MqttString responseTopic)
        {
            // [MQTT-3.3.2-14] the Response Topic is a Topic Name: no wildcards.
            FieldSize.TopicName(responseTopic, "Response Topic", mayBeEmpty: false);
        }

        return PropertyWriter.Size(PayloadFormatIndicator)
            + PropertyWriter.Size(MessageExpiryInterval)
            + PropertyWriter.Size(ContentType, "Content Type")
            + PropertyWriter.Size(ResponseTopic, "Response Topic")
            + PropertyWriter.Size(CorrelationData, "Correlation Data")
            + SubscriptionIdentifiers.GetEncodedSize()
            + PropertyWriter.Size(TopicAlias)
            + UserProperties.GetEncodedSize();
    }

    public void Write(ref MqttWriter writer, int length)
    {
        writer.WriteVariableByteInteger(length);
        PropertyWriter.Write(ref writer, PropertyId.PayloadFormatIndicator, PayloadFormatIndicator);
        PropertyWriter.Write(ref writer, PropertyId.MessageExpiryInterval, MessageExpiryInterval);
        PropertyWriter.Write(ref writer, PropertyId.ContentType, ContentType);
        PropertyWriter.Write(ref writer, PropertyId.ResponseTopic, ResponseTopic);
        PropertyWriter.Write(ref writer, PropertyId.CorrelationData, CorrelationData);
        SubscriptionIdentifiers.Write(ref writer);
        PropertyWriter.Write(ref writer, PropertyId.TopicAlias, TopicAlias);
        UserProperties.Write(ref writer);
    }

    public static PublishPacketProperties Read(ref MqttReader reader) => new(ref reader);

    // Decoding is a constructor: each property goes straight into its field, instead of into
    // a local and then a 248-byte result built from the locals, all zeroed per PUBLISH.
    private PublishPacketProperties(ref MqttReader reader)
    {
        PropertyReader properties = default;
        properties.Begin(ref reader, PropertyContext.Publish);
        int userProperties = 0, subscriptionIdentifiers = 0;
        while (properties.TryRead(out Property p))
        {
            switch (p.Id)
            {
                case PropertyId.PayloadFormatIndicator: PayloadFormatIndicator = (byte)p.Integer; break;
                case PropertyId.MessageExpiryInterval: MessageExpiryInterval = p.Integer; break;
                case PropertyId.ContentType: ContentType = p.Text; break;
                case PropertyId.ResponseTopic:
                    if (p.Text.IsEmpty || p.Text.ContainsAny('+', '#'))
                    {
                        // [MQTT-3.3.2-14]
                        ThrowHelper.ProtocolError("Response Topic", p.Offset, "must be a topic name without wildcards");
                    }

                    ResponseTopic = p.Text;
                    break;
                case PropertyId.CorrelationData: CorrelationData = p.Binary; break;
                case PropertyId.SubscriptionIdentifier: subscriptionIdentifiers++; break;
                case PropertyId.TopicAlias: TopicAlias = (ushort)p.Integer; break;
                default: userProperties++; break;
            }
        }

        UserProperties = UserProperties.FromBlock(properties.Block, properties.BlockOffset, userProperties);
        SubscriptionIdentifiers = SubscriptionIdentifiers.FromBlock(properties.Block, properties.BlockOffset, subscriptionIdentifiers);
    }
}
