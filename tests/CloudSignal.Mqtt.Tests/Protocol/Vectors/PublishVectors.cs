using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>PUBLISH golden vectors, written by hand from 5.0 §3.3 and 3.1.1 §3.3.</summary>
public class PublishVectors
{
    [Fact] // 3.1.1 §3.3.1, §3.3.2; [MQTT-3.3.2-1] topic is a UTF-8 string
    public void QoS0_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x30,                   // PUBLISH, DUP 0, QoS 0, RETAIN 0
            0x07,                   // Remaining Length 7
            0x00, 0x03, 0x61, 0x2F, 0x62, // Topic Name "a/b"
            0x68, 0x69,             // payload "hi" (no packet identifier at QoS 0)
        ];
        var packet = new PublishPacket { TopicName = "a/b", Payload = "hi"u8.ToArray() };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
    }

    [Fact] // 5.0 §3.3.1 (flags), §3.3.2.2 (packet identifier), §3.3.2.3 (properties)
    public void QoS1RetainDup_V500WithProperties_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x3B,                   // PUBLISH, DUP 1, QoS 1, RETAIN 1
            0x19,                   // Remaining Length 25
            0x00, 0x01, 0x74,       // Topic Name "t"
            0x00, 0x0A,             // Packet Identifier 10
            0x11,                   // Property Length 17
            0x01, 0x01,             //   Payload Format Indicator: 1 (UTF-8)
            0x02, 0x00, 0x00, 0x00, 0x3C, // Message Expiry Interval: 60 s
            0x23, 0x00, 0x05,       //   Topic Alias: 5
            0x26, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76, // User Property k=v
            0x7B, 0x7D,             // payload "{}"
        ];
        var packet = new PublishPacket
        {
            Dup = true,
            Qos = MqttQos.AtLeastOnce,
            Retain = true,
            TopicName = "t",
            PacketIdentifier = 10,
            Properties = new PublishProperties
            {
                PayloadFormatIndicator = 1,
                MessageExpiryInterval = 60,
                TopicAlias = 5,
                UserProperties = new UserProperty[] { new("k", "v") },
            },
            Payload = "{}"u8.ToArray(),
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }
}
