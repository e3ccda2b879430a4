using System.Runtime.CompilerServices;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// PUBLISH (5.0 §3.3, 3.1.1 §3.3): an application message. Decoded topic, properties and
/// payload are slices of the input, so decoding allocates nothing.
/// </summary>
/// <remarks>
/// <code>
/// byte 1        0011 DUP QoS QoS RETAIN
/// Remaining Length (VBI)
/// Topic Name    UTF-8 string
/// Packet Id     two bytes, only when QoS &gt; 0
/// Properties    VBI length + properties (5.0 only)
/// Payload       the rest
/// </code>
/// </remarks>
internal readonly record struct PublishPacket : IMqttPacket
{
    public PacketType Type => PacketType.Publish;

    public bool Dup { get; init; }

    public MqttQos Qos { get; init; }

    public bool Retain { get; init; }

    // The large members have explicit fields so the codec reads them in place (a readonly
    // field of a readonly struct is passed by reference); a property getter would copy the
    // whole PublishPacketProperties (about 250 bytes) on every use.
    private readonly MqttString _topicName;
    private readonly PublishPacketProperties _properties;
    private readonly MqttBinary _payload;

    public MqttString TopicName { get => _topicName; init => _topicName = value; }

    /// <summary>Non-zero when <see cref="Qos"/> &gt; 0; absent from the wire at QoS 0.</summary>
    public ushort PacketIdentifier { get; init; }

    public PublishPacketProperties Properties { get => _properties; init => _properties = value; }

    public MqttBinary Payload { get => _payload; init => _payload = value; }

    public byte FixedHeaderFlags => (byte)((Dup ? 0x08 : 0) | ((int)Qos << 1) | (Retain ? 0x01 : 0));

    public int GetRemainingLength(MqttProtocolVersion version)
    {
        if ((uint)Qos > 2)
        {
            // [MQTT-3.3.1-4]
            ThrowHelper.Invalid(MqttReasonCode.MalformedPacket, "QoS", $"{(int)Qos} is not a QoS level");
        }

        if (Dup && Qos == MqttQos.AtMostOnce)
        {
            // [MQTT-3.3.1-2]
            ThrowHelper.Invalid(MqttReasonCode.MalformedPacket, "DUP", "DUP must be 0 on a QoS 0 PUBLISH");
        }

        if (Qos != MqttQos.AtMostOnce && PacketIdentifier == 0)
        {
            // [MQTT-2.2.1-3] (5.0), [MQTT-2.3.1-1] (3.1.1)
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Packet Identifier", "QoS 1 and 2 need a non-zero packet identifier");
        }

        bool v5 = version == MqttProtocolVersion.V500;
        int length = 2 + FieldSize.TopicName(_topicName, "Topic Name", mayBeEmpty: v5 && _properties.TopicAlias.HasValue);
        if (Qos != MqttQos.AtMostOnce)
        {
            length += 2;
        }

        if (v5)
        {
            length += PropertyWriter.SizeWithLength(_properties.GetLength());
        }
        else if (!_properties.IsEmpty)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Properties", "PUBLISH properties need MQTT 5.0");
        }

        return length + _payload.Length;
    }

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
        writer.WriteString(_topicName);
        if (Qos != MqttQos.AtMostOnce)
        {
            writer.WriteUInt16(PacketIdentifier);
        }

        if (version == MqttProtocolVersion.V500)
        {
            _properties.Write(ref writer, _properties.GetLength());
        }

        writer.WriteBytes(_payload.Bytes);
    }

    public static PublishPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version) =>
        new(ref reader, header, version);

    /// <summary>
    /// Decodes, as <see cref="Read"/>. A constructor, so every field is read straight into the
    /// packet (and <see cref="PacketDecoder"/> builds it where the handler will see it): building
    /// it from locals would put a second 320-byte PublishPacket and a 248-byte PublishPacketProperties
    /// in the frame, all zeroed and copied on every PUBLISH. Always inlined: into a stack
    /// temporary the JIT stores the topic and payload without write barriers and zeroes the
    /// packet once, not twice (a 3.1.1 64-byte decode went from ~44 to ~35 ns of CPU time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal PublishPacket(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        Dup = header.Dup;
        Qos = header.Qos;
        Retain = header.Retain;
        long topicOffset = reader.Offset;
        _topicName = reader.ReadString("Topic Name", out bool hasWildcard);
        if (header.Qos != MqttQos.AtMostOnce)
        {
            long offset = reader.Offset;
            PacketIdentifier = reader.ReadUInt16("Packet Identifier");
            if (PacketIdentifier == 0)
            {
                // [MQTT-2.2.1-3] (5.0), [MQTT-2.3.1-1] (3.1.1)
                ThrowHelper.ProtocolError("Packet Identifier", offset, "QoS 1 and 2 need a non-zero packet identifier");
            }
        }

        if (version == MqttProtocolVersion.V500)
        {
            ReadProperties(ref reader, ref _properties);
        }

        if (_topicName.IsEmpty && _properties.TopicAlias is null)
        {
            // 5.0 §3.3.2.3.4: an empty topic needs a Topic Alias; 3.1.1 [MQTT-4.7.3-1]: 1+ characters.
            ThrowHelper.ProtocolError("Topic Name", topicOffset, "topic name is empty and no topic alias is set");
        }

        if (hasWildcard)
        {
            // [MQTT-3.3.2-2]
            ThrowHelper.Throw(MqttReasonCode.TopicNameInvalid, "Topic Name", topicOffset, "topic name contains a wildcard ('+' or '#')");
        }

        _payload = new MqttBinary(reader.ReadToEnd());
    }

    // Out of line so a 3.1.1 PUBLISH does not carry PublishPacketProperties.Read's temporaries.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReadProperties(ref MqttReader reader, ref PublishPacketProperties properties) =>
        properties = PublishPacketProperties.Read(ref reader);
}
