using System.Buffers;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Benchmarks.Codec;

/// <summary>The PUBLISH shapes the encode and decode benchmarks run over.</summary>
public enum PublishFlavor
{
    /// <summary>MQTT 3.1.1: topic, packet identifier, payload.</summary>
    V311,

    /// <summary>MQTT 5.0 with two User Properties in the property block.</summary>
    V500UserProperties,
}

/// <summary>One sample PUBLISH per flavor and payload size, shared by encode and decode.</summary>
internal static class PublishCase
{
    public static MqttProtocolVersion Version(PublishFlavor flavor) =>
        flavor == PublishFlavor.V311 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500;

    /// <summary>A QoS 1 PUBLISH on a typical telemetry topic with a payload of <paramref name="payloadSize"/> bytes.</summary>
    public static PublishPacket Create(PublishFlavor flavor, int payloadSize)
    {
        byte[] payload = new byte[payloadSize];
        new Random(42).NextBytes(payload);
        var packet = new PublishPacket
        {
            Qos = MqttQos.AtLeastOnce,
            TopicName = "devices/sensor-0042/telemetry",
            PacketIdentifier = 4242,
            Payload = payload,
        };

        return flavor == PublishFlavor.V311
            ? packet
            : packet with
            {
                Properties = new PublishPacketProperties
                {
                    UserProperties = new UserProperty[] { new("trace-id", "4bf92f3577b34da6"), new("tenant", "acme") },
                },
            };
    }

    /// <summary>The wire bytes of <paramref name="packet"/>, in one array.</summary>
    public static byte[] Encode<TPacket>(in TPacket packet, MqttProtocolVersion version)
        where TPacket : IMqttPacket
    {
        var output = new ArrayBufferWriter<byte>();
        PacketEncoder.Write(output, packet, version);
        return output.WrittenSpan.ToArray();
    }
}
