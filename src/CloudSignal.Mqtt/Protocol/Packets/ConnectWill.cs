namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// The Will Message a CONNECT carries when its Will Flag is set (5.0 §3.1.2.5, §3.1.3.2–3.1.3.4;
/// 3.1.1 §3.1.2.5, §3.1.3.2–3.1.3.3). The wire form of the public <c>WillMessage</c> option.
/// </summary>
/// <remarks>
/// <code>
/// Will Properties   VBI length + properties (5.0 only)
/// Will Topic        UTF-8 string, a Topic Name
/// Will Payload      Binary Data (3.1.1 calls it the Will Message: the same 2-byte length + bytes)
/// </code>
/// </remarks>
internal readonly record struct ConnectWill
{
    /// <summary>A Topic Name: at least one character [MQTT-4.7.3-1], no wildcards [MQTT-3.3.2-2].</summary>
    public MqttString Topic { get; init; }

    public MqttBinary Payload { get; init; }

    public MqttQos Qos { get; init; }

    public bool Retain { get; init; }

    /// <summary>5.0 only; must stay default in 3.1.1.</summary>
    public WillProperties Properties { get; init; }

    /// <summary>The Will Flag, Will QoS and Will Retain bits of the Connect Flags byte.</summary>
    internal byte Flags => (byte)(0x04 | ((int)Qos << 3) | (Retain ? 0x20 : 0));

    /// <summary>Bytes this will takes in the payload; validates it for the protocol level.</summary>
    internal int GetLength(bool v5)
    {
        if ((uint)Qos > 2)
        {
            // 3.1.1 [MQTT-3.1.2-14], 5.0 [MQTT-3.1.2-12]: Will QoS 3 is malformed.
            ThrowHelper.Invalid(MqttReasonCode.MalformedPacket, "Will QoS", $"{(int)Qos} is not a QoS level");
        }

        int length = 2 + FieldSize.TopicName(Topic, "Will Topic", mayBeEmpty: false) + 2 + FieldSize.Binary(Payload, "Will Payload");
        if (v5)
        {
            length += PropertyWriter.SizeWithLength(Properties.GetLength());
        }
        else if (Properties != default)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Will Properties", "will properties need MQTT 5.0");
        }

        return length;
    }

    internal void Write(ref MqttWriter writer, bool v5)
    {
        if (v5)
        {
            Properties.Write(ref writer, Properties.GetLength());
        }

        writer.WriteString(Topic);
        writer.WriteBinary(Payload);
    }

    /// <summary>Reads the will fields; the flags come from the Connect Flags byte.</summary>
    internal static ConnectWill Read(ref MqttReader reader, MqttQos qos, bool retain, bool v5)
    {
        WillProperties properties = v5 ? WillProperties.Read(ref reader) : default;

        // 3.1.1 [MQTT-3.1.3-10], 5.0 [MQTT-3.1.3-11]: the Will Topic is a UTF-8 string (else 0x81).
        long topicOffset = reader.Offset;
        MqttString topic = reader.ReadString("Will Topic");
        if (topic.IsEmpty)
        {
            // [MQTT-4.7.3-1]; the same code PUBLISH uses for an empty Topic Name.
            ThrowHelper.ProtocolError("Will Topic", topicOffset, "topic name is empty");
        }

        if (topic.ContainsAny('+', '#'))
        {
            // [MQTT-3.3.2-2]: a Topic Name has no wildcards. 0x90 is in the CONNACK table for exactly this.
            ThrowHelper.Throw(MqttReasonCode.TopicNameInvalid, "Will Topic", topicOffset, "topic name contains a wildcard ('+' or '#')");
        }

        return new ConnectWill
        {
            Topic = topic,
            Payload = reader.ReadBinary("Will Payload"),
            Qos = qos,
            Retain = retain,
            Properties = properties,
        };
    }
}
