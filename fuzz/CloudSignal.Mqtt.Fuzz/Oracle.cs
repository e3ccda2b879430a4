using System.Buffers;
using System.Runtime.CompilerServices;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>What a fuzz target asserts beyond "no unexpected exception".</summary>
internal static class Oracle
{
    /// <summary>A violated expectation: not an exception the library may throw, so the fuzzer reports it.</summary>
    public sealed class Violation(string message) : Exception(message);

    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new Violation(what);
        }
    }

    /// <summary>As above; the message is formatted only when the check fails, so passing checks allocate nothing.</summary>
    public static void Check(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref Message what)
    {
        if (!condition)
        {
            throw new Violation(what.ToStringAndClear());
        }
    }

    /// <summary>Differential round trip: what decoded must encode, and decode again to an equal packet.</summary>
    public static void RoundTrip(IMqttPacket packet, MqttProtocolVersion version)
    {
        if (packet is ConnectPacket connect)
        {
            // CONNECT names its own level (a server reads it before it knows the connection's).
            version = connect.ProtocolVersion;
        }

        var output = new ArrayBufferWriter<byte>();
        try
        {
            PacketEncoder.Write(output, packet, version);
        }
        catch (MqttProtocolException ex)
        {
            throw new Violation($"decoded {packet.GetType().Name} does not re-encode: {ex.Message}");
        }

        var again = new ReadOnlySequence<byte>(output.WrittenMemory);
        IMqttPacket? second;
        try
        {
            Check(PacketDecoder.TryDecode(ref again, version, PacketScanner.ProtocolMaximumPacketSize, out second) == OperationStatus.Done && again.IsEmpty,
                $"re-encoded {packet.GetType().Name} does not decode whole");
        }
        catch (MqttProtocolException ex)
        {
            throw new Violation($"re-encoded {packet.GetType().Name} is rejected: {ex.Message}");
        }

        Check(packet.Equals(second), $"{packet.GetType().Name} changed in a round trip");
    }

    /// <summary>An interpolated message that formats nothing unless its check failed (the shape of Debug.Assert's).</summary>
    [InterpolatedStringHandler]
    public ref struct Message
    {
        private DefaultInterpolatedStringHandler _text;

        public Message(int literalLength, int formattedCount, bool condition, out bool shouldAppend)
        {
            shouldAppend = !condition;
            _text = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        public void AppendLiteral(string value) => _text.AppendLiteral(value);

        public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

        public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

        public string ToStringAndClear() => _text.ToStringAndClear();
    }
}
