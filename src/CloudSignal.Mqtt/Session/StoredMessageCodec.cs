using System.Buffers;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/// <summary>
/// The opaque bytes a session store keeps for a publish: the message as an MQTT 5.0 PUBLISH
/// (identifier 1, no DUP, no alias), so topic, payload, flags and every property round-trip
/// through the codec that already validates them, whatever level the connection speaks.
/// </summary>
internal static class StoredMessageCodec
{
    public static byte[] Encode(in OutboundMessage message)
    {
        var output = new ArrayBufferWriter<byte>(message.Payload.Length + message.Topic.Length + 16);
        PacketEncoder.Write(output, message.ToPacket(packetIdentifier: 1, dup: false), MqttProtocolVersion.V500);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Reads back what <see cref="Encode"/> wrote. Throws <see cref="InvalidDataException"/> for anything else.</summary>
    public static OutboundMessage Decode(ReadOnlyMemory<byte> stored)
    {
        var buffer = new ReadOnlySequence<byte>(stored);
        IMqttPacket? packet;
        try
        {
            if (PacketDecoder.TryDecode(ref buffer, MqttProtocolVersion.V500, PacketScanner.ProtocolMaximumPacketSize, out packet) != OperationStatus.Done || !buffer.IsEmpty)
            {
                packet = null;
            }
        }
        catch (MqttProtocolException ex)
        {
            throw new InvalidDataException($"A stored publish does not decode: {ex.Message}", ex);
        }

        if (packet is not PublishPacket publish || publish.Qos == MqttQos.AtMostOnce)
        {
            throw new InvalidDataException("A stored publish is not a QoS 1/2 PUBLISH.");
        }

        // The decoded packet borrows slices of `stored`, which the message keeps alive.
        ReadOnlySequence<byte> payload = publish.Payload.Bytes;
        return new OutboundMessage(
            publish.TopicName.ToString(),
            payload.IsSingleSegment ? payload.First : payload.ToArray(),
            publish.Qos,
            publish.Retain,
            publish.Properties);
    }
}
