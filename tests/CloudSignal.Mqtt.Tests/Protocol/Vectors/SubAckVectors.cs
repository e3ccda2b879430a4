using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>SUBACK golden vectors, written by hand from 5.0 §3.9 and 3.1.1 §3.9.</summary>
public class SubAckVectors
{
    [Fact] // 3.1.1 §3.9.2, §3.9.3: return codes 0x00, 0x01, 0x02, 0x80 only [MQTT-3.9.3-2]
    public void ThreeReturnCodes_V311_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x90,                               // SUBACK
            0x05,                               // Remaining Length 5 = 2 + 3
            0x00, 0x0A,                         // Packet Identifier 10
            0x00,                               // Success, maximum QoS 0
            0x01,                               // Success, maximum QoS 1
            0x80,                               // Failure
        ];
        var packet = new SubAckPacket
        {
            PacketIdentifier = 10,
            ReasonCodes = new[] { MqttReasonCode.GrantedQoS0, MqttReasonCode.GrantedQoS1, MqttReasonCode.UnspecifiedError },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V311, wire);
    }

    [Fact] // 5.0 §3.9.2.1 (Reason String), §3.9.3 (Table 3-8)
    public void ReasonString_V500_EncodesAndDecodesExactBytes()
    {
        byte[] wire =
        [
            0x90,                               // SUBACK
            0x0A,                               // Remaining Length 10 = 2 + 1 + 5 + 2
            0x00, 0x01,                         // Packet Identifier 1
            0x05,                               // Property Length 5
            0x1F, 0x00, 0x02, 0x6F, 0x6B,       //   Reason String "ok"
            0x02,                               // Granted QoS 2
            0xA2,                               // Wildcard Subscriptions not supported
        ];
        var packet = new SubAckPacket
        {
            PacketIdentifier = 1,
            Properties = new AckProperties { ReasonString = "ok" },
            ReasonCodes = new[] { MqttReasonCode.GrantedQoS2, MqttReasonCode.WildcardSubscriptionsNotSupported },
        };
        Codec.AssertGolden(packet, MqttProtocolVersion.V500, wire);
    }
}
