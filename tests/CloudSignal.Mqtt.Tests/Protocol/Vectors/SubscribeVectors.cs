using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>SUBSCRIBE golden vectors, written by hand from 5.0 §3.8 and 3.1.1 §3.8.</summary>
public class SubscribeVectors
{
    [Fact] // 3.1.1 §3.8.1 (flags 0010 [MQTT-3.8.1-1]), §3.8.2, §3.8.3 (filter + Requested QoS)
    public void TwoFilters_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x82,                               // SUBSCRIBE, reserved flags 0010
            0x0E,                               // Remaining Length 14 = 2 + 6 + 6
            0x00, 0x0A,                         // Packet Identifier 10
            0x00, 0x03, 0x61, 0x2F, 0x62,       // Topic Filter "a/b"
            0x01,                               //   Requested QoS 1
            0x00, 0x03, 0x63, 0x2F, 0x23,       // Topic Filter "c/#"
            0x02,                               //   Requested QoS 2
        ];
        var packet = new SubscribePacket
        {
            PacketIdentifier = 10,
            Subscriptions = new Subscription[]
            {
                new("a/b", new SubscriptionOptionFlags { MaximumQos = MqttQos.AtLeastOnce }),
                new("c/#", new SubscriptionOptionFlags { MaximumQos = MqttQos.ExactlyOnce }),
            },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
    }

    [Fact] // 5.0 §3.8.2.1 (properties), §3.8.3.1 (options byte), §4.8.2 (shared subscription)
    public void SubscriptionIdentifierUserPropertyAndOptions_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x82,                               // SUBSCRIBE, reserved flags 0010
            0x20,                               // Remaining Length 32 = 2 + 1 + 10 + 6 + 13
            0x00, 0x01,                         // Packet Identifier 1
            0x0A,                               // Property Length 10
            0x0B, 0xAC, 0x02,                   //   Subscription Identifier 300 (VBI: 300 = 0x2C|0x80, 300>>7 = 2)
            0x26, 0x00, 0x01, 0x6B, 0x00, 0x01, 0x76, // User Property k=v
            0x00, 0x03, 0x78, 0x2F, 0x2B,       // Topic Filter "x/+"
            0x2D,                               //   options 0010 1101: Retain Handling 2, Retain As Published, No Local, QoS 1
            0x00, 0x0A,                         // Topic Filter, 10 bytes:
            0x24, 0x73, 0x68, 0x61, 0x72, 0x65, 0x2F, 0x67, 0x2F, 0x74, // "$share/g/t"
            0x10,                               //   options 0001 0000: Retain Handling 1, QoS 0
        ];
        var packet = new SubscribePacket
        {
            PacketIdentifier = 1,
            Properties = new SubscribeProperties
            {
                SubscriptionIdentifier = 300,
                UserProperties = new UserProperty[] { new("k", "v") },
            },
            Subscriptions = new Subscription[]
            {
                new("x/+", new SubscriptionOptionFlags
                {
                    MaximumQos = MqttQos.AtLeastOnce,
                    NoLocal = true,
                    RetainAsPublished = true,
                    RetainHandling = RetainHandling.DoNotSend,
                }),
                new("$share/g/t", new SubscriptionOptionFlags { RetainHandling = RetainHandling.SendAtSubscribeIfNew }),
            },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.8.2: the Property Length is present even when it is 0
    public void MultiLevelWildcardNoProperties_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x82,                               // SUBSCRIBE
            0x07,                               // Remaining Length 7 = 2 + 1 + 3 + 1
            0x00, 0x05,                         // Packet Identifier 5
            0x00,                               // Property Length 0
            0x00, 0x01, 0x23,                   // Topic Filter "#"
            0x00,                               //   options: QoS 0, everything else 0
        ];
        var packet = new SubscribePacket { PacketIdentifier = 5, Subscriptions = new Subscription[] { new("#") } };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }

    [Fact] // 3.1.1 has no shared subscriptions: "$share/g" is an ordinary filter there
    public void SharePrefixWithoutFilter_V311_IsOrdinaryFilter()
    {
        byte[] wire =
        [
            0x82,                               // SUBSCRIBE
            0x0D,                               // Remaining Length 13 = 2 + 10 + 1
            0x00, 0x07,                         // Packet Identifier 7
            0x00, 0x08,                         // Topic Filter, 8 bytes:
            0x24, 0x73, 0x68, 0x61, 0x72, 0x65, 0x2F, 0x67, // "$share/g"
            0x01,                               //   Requested QoS 1
        ];
        var packet = new SubscribePacket
        {
            PacketIdentifier = 7,
            Subscriptions = new Subscription[] { new("$share/g", new SubscriptionOptionFlags { MaximumQos = MqttQos.AtLeastOnce }) },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
    }
}
