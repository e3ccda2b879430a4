namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Sizes and writes optional properties: an absent (null) property costs and writes nothing.
/// Every identifier is below 128, so it takes one byte on the wire.
/// </summary>
internal static class PropertyWriter
{
    public static int Size(byte? value) => value.HasValue ? 2 : 0;

    public static int Size(ushort? value) => value.HasValue ? 3 : 0;

    public static int Size(uint? value) => value.HasValue ? 5 : 0;

    public static int SizeVariable(uint? value) =>
        value is uint v ? 1 + VariableByteInteger.GetSize((int)v) : 0;

    public static int Size(in MqttString? value, string field) =>
        value.HasValue ? 3 + FieldSize.String(value.Value, field) : 0;

    public static int Size(in MqttBinary? value, string field) =>
        value.HasValue ? 3 + FieldSize.Binary(value.Value, field) : 0;

    /// <summary>The Property Length and the properties after it.</summary>
    public static int SizeWithLength(int propertiesLength) =>
        VariableByteInteger.GetSize(propertiesLength) + propertiesLength;

    public static void Write(ref MqttWriter writer, PropertyId id, byte? value)
    {
        if (value is byte v)
        {
            writer.WriteByte((byte)id);
            writer.WriteByte(v);
        }
    }

    public static void Write(ref MqttWriter writer, PropertyId id, ushort? value)
    {
        if (value is ushort v)
        {
            writer.WriteByte((byte)id);
            writer.WriteUInt16(v);
        }
    }

    public static void Write(ref MqttWriter writer, PropertyId id, uint? value)
    {
        if (value is uint v)
        {
            writer.WriteByte((byte)id);
            writer.WriteUInt32(v);
        }
    }

    public static void WriteVariable(ref MqttWriter writer, PropertyId id, uint? value)
    {
        if (value is uint v)
        {
            writer.WriteByte((byte)id);
            writer.WriteVariableByteInteger((int)v);
        }
    }

    public static void Write(ref MqttWriter writer, PropertyId id, in MqttString? value)
    {
        if (value.HasValue)
        {
            writer.WriteByte((byte)id);
            writer.WriteString(value.Value);
        }
    }

    public static void Write(ref MqttWriter writer, PropertyId id, in MqttBinary? value)
    {
        if (value.HasValue)
        {
            writer.WriteByte((byte)id);
            writer.WriteBinary(value.Value);
        }
    }
}
