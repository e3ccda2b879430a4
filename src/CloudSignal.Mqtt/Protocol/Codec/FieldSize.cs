namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Encoded sizes of the length-prefixed types, checked on the way out: we never send what
/// we would reject on the way in.
/// </summary>
internal static class FieldSize
{
    /// <summary>UTF-8 byte count of <paramref name="value"/>; throws 0x81 if it cannot be sent.</summary>
    public static int String(in MqttString value, string field)
    {
        int length = value.ByteCount;
        if (length < 0)
        {
            // [MQTT-1.5.4-1], [MQTT-1.5.4-2]
            ThrowHelper.Invalid(MqttReasonCode.MalformedPacket, field, "string contains U+0000 or an unpaired surrogate");
        }

        if (length > ushort.MaxValue)
        {
            ThrowHelper.Invalid(MqttReasonCode.MalformedPacket, field, $"string is {length} UTF-8 bytes; the limit is 65,535");
        }

        return length;
    }

    /// <summary>Length of binary data; throws 0x81 above 65,535 bytes.</summary>
    public static int Binary(in MqttBinary value, string field)
    {
        long length = value.Bytes.Length;
        if (length > ushort.MaxValue)
        {
            ThrowHelper.Invalid(MqttReasonCode.MalformedPacket, field, $"binary data is {length} bytes; the limit is 65,535");
        }

        return (int)length;
    }

    /// <summary>A Topic Name: 1+ characters [MQTT-4.7.3-1], no wildcards [MQTT-3.3.2-2].</summary>
    public static int TopicName(in MqttString value, string field, bool mayBeEmpty)
    {
        int length = String(value, field);
        if (length == 0 && !mayBeEmpty)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, field, "topic name is empty and no topic alias is set");
        }

        if (value.ContainsAny('+', '#'))
        {
            ThrowHelper.Invalid(MqttReasonCode.TopicNameInvalid, field, "topic name contains a wildcard ('+' or '#')");
        }

        return length;
    }
}
