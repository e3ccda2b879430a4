namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// The properties shared by PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK
/// (5.0 §3.4.2.2 …): a Reason String and User Properties.
/// </summary>
internal readonly record struct AckProperties
{
    public MqttString? ReasonString { get; init; }

    public UserProperties UserProperties { get; init; }

    public bool IsEmpty => ReasonString is null && UserProperties.Count == 0;

    public int GetLength() =>
        PropertyWriter.Size(ReasonString, "Reason String") + UserProperties.GetEncodedSize();

    public void Write(ref MqttWriter writer, int length)
    {
        writer.WriteVariableByteInteger(length);
        PropertyWriter.Write(ref writer, PropertyId.ReasonString, ReasonString);
        UserProperties.Write(ref writer);
    }

    public static AckProperties Read(ref MqttReader reader, PropertyContext context) => new(ref reader, context);

    // A constructor, so values go straight into the fields (see PublishProperties).
    private AckProperties(ref MqttReader reader, PropertyContext context)
    {
        PropertyReader properties = default;
        properties.Begin(ref reader, context);
        int userProperties = 0;
        while (properties.TryRead(out Property p))
        {
            if (p.Id == PropertyId.ReasonString)
            {
                ReasonString = p.Text;
            }
            else
            {
                userProperties++;
            }
        }

        UserProperties = UserProperties.FromBlock(properties.Block, properties.BlockOffset, userProperties);
    }
}
