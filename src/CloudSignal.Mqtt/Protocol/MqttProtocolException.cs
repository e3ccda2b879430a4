namespace CloudSignal.Mqtt;

/// <summary>
/// A packet broke the MQTT specification: malformed bytes (0x81), a protocol error (0x82),
/// a packet above the maximum size (0x95), and so on. The only exception the codec throws.
/// </summary>
public sealed class MqttProtocolException : MqttException
{
    /// <summary>Creates the exception with a reason code and a message naming the field and offset.</summary>
    public MqttProtocolException(MqttReasonCode reasonCode, string message)
        : base(message)
    {
        ReasonCode = reasonCode;
    }

    /// <summary>Creates a Malformed Packet (0x81) exception.</summary>
    public MqttProtocolException()
        : this(MqttReasonCode.MalformedPacket, "Malformed packet.")
    {
    }

    /// <summary>Creates a Malformed Packet (0x81) exception with a message.</summary>
    public MqttProtocolException(string message)
        : this(MqttReasonCode.MalformedPacket, message)
    {
    }

    /// <summary>Creates a Malformed Packet (0x81) exception with a message and a cause.</summary>
    public MqttProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        ReasonCode = MqttReasonCode.MalformedPacket;
    }

    /// <summary>The MQTT 5.0 reason code that describes the violation (also used for 3.1.1 connections).</summary>
    public MqttReasonCode ReasonCode { get; }
}
