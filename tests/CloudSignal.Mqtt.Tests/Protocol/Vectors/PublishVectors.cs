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
            Properties = new PublishPacketProperties
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

    [Fact] // 3.1.1 §3.3.1.2 QoS 2, §3.3.2.2 packet identifier
    public void QoS2_V311_CarriesPacketIdentifier()
    {
        byte[] wire =
        [
            0x34,                   // PUBLISH, QoS 2
            0x07,                   // Remaining Length 7
            0x00, 0x01, 0x74,       // Topic Name "t"
            0x00, 0x02,             // Packet Identifier 2
            0x68, 0x69,             // payload "hi"
        ];
        var packet = new PublishPacket { Qos = MqttQos.ExactlyOnce, TopicName = "t", PacketIdentifier = 2, Payload = "hi"u8.ToArray() };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
    }

    [Fact] // 5.0 §3.3.2.3.5 Response Topic, §3.3.2.3.6 Correlation Data, §3.3.2.3.8 Subscription Identifier, §3.3.2.3.9 Content Type
    public void QoS2_V500WithRequestResponseProperties_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x34,                   // PUBLISH, QoS 2
            0x1A,                   // Remaining Length 26
            0x00, 0x03, 0x61, 0x2F, 0x62, // Topic Name "a/b"
            0x00, 0x01,             // Packet Identifier 1
            0x10,                   // Property Length 16
            0x03, 0x00, 0x01, 0x74, //   Content Type "t"
            0x08, 0x00, 0x01, 0x72, //   Response Topic "r"
            0x09, 0x00, 0x02, 0x01, 0x02, // Correlation Data 01 02
            0x0B, 0xC1, 0x02,       //   Subscription Identifier 321 (VBI C1 02)
            0x00, 0xFF,             // payload: two bytes
        ];
        var packet = new PublishPacket
        {
            Qos = MqttQos.ExactlyOnce,
            TopicName = "a/b",
            PacketIdentifier = 1,
            Properties = new PublishPacketProperties
            {
                ContentType = "t",
                ResponseTopic = "r",
                CorrelationData = new byte[] { 0x01, 0x02 },
                SubscriptionIdentifiers = new uint[] { 321 },
            },
            Payload = new byte[] { 0x00, 0xFF },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }
}
