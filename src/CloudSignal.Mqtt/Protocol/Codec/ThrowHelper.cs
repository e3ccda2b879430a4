using System.Diagnostics.CodeAnalysis;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Every codec rejection goes through here, so hot paths stay small (no message formatting
/// inlined) and there is exactly one exception type: <see cref="MqttProtocolException"/>.
/// </summary>
internal static class ThrowHelper
{
    /// <summary>0x81 Malformed Packet at <paramref name="offset"/> bytes from the packet start.</summary>
    [DoesNotReturn]
    public static void Malformed(string field, long offset, string problem) =>
        throw Create(MqttReasonCode.MalformedPacket, field, offset, problem);

    /// <summary>0x82 Protocol Error at <paramref name="offset"/> bytes from the packet start.</summary>
    [DoesNotReturn]
    public static void ProtocolError(string field, long offset, string problem) =>
        throw Create(MqttReasonCode.ProtocolError, field, offset, problem);

    /// <summary>Any reason code, at <paramref name="offset"/> bytes from the packet start.</summary>
    [DoesNotReturn]
    public static void Throw(MqttReasonCode code, string field, long offset, string problem) =>
        throw Create(code, field, offset, problem);

    /// <summary>A rejection while encoding: there is no offset, only the field.</summary>
    [DoesNotReturn]
    public static void Invalid(MqttReasonCode code, string field, string problem) =>
        throw new MqttProtocolException(code, $"{Describe(code)}: {field}: {problem}");

    [DoesNotReturn]
    public static T Invalid<T>(MqttReasonCode code, string field, string problem) =>
        throw new MqttProtocolException(code, $"{Describe(code)}: {field}: {problem}");

    public static MqttProtocolException Create(MqttReasonCode code, string field, long offset, string problem) =>
        new(code, $"{Describe(code)}: {field} at offset {offset}: {problem}");

    private static string Describe(MqttReasonCode code) => code switch
    {
        MqttReasonCode.MalformedPacket => "Malformed Packet (0x81)",
        MqttReasonCode.ProtocolError => "Protocol Error (0x82)",
        MqttReasonCode.PacketTooLarge => "Packet too large (0x95)",
        _ => $"{code} (0x{(byte)code:X2})",
    };
}
