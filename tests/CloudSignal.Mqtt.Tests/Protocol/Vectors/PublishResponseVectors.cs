using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol.Vectors;

/// <summary>PUBACK, PUBREC, PUBREL, PUBCOMP, PINGREQ and PINGRESP, by hand from 5.0 §3.4–3.7, §3.12–3.13.</summary>
public class PublishResponseVectors
{
    [Fact] // 3.1.1 §3.4: always 40 02 <id>
    public void PubAck_V311_IsFourBytes() =>
        Codec.AssertGolden(new PubAckPacket(0x1234), MqttProtocolVersion.V311, [0x40, 0x02, 0x12, 0x34]);

    [Fact] // 3.1.1 §3.6.1: PUBREL flags are 0010 [MQTT-3.6.1-1]
    public void PubRel_V311_HasFlags0010() =>
        Codec.AssertGolden(new PubRelPacket(1), MqttProtocolVersion.V311, [0x62, 0x02, 0x00, 0x01]);

    [Fact] // 5.0 §3.4.2.1: Success with no properties may omit the reason code: Remaining Length 2
    public void PubAck_V500SuccessNoProperties_UsesShortestForm() =>
        Codec.AssertGolden(new PubAckPacket(7), MqttProtocolVersion.V500, [0x40, 0x02, 0x00, 0x07]);

    [Fact] // 5.0 §3.5.2.1: a reason code without properties: Remaining Length 3
    public void PubRec_V500NoMatchingSubscribers_HasReasonByte() =>
        Codec.AssertGolden(new PubRecPacket(7, MqttReasonCode.NoMatchingSubscribers), MqttProtocolVersion.V500, [0x50, 0x03, 0x00, 0x07, 0x10]);

    [Fact] // 5.0 §3.7.2: PUBCOMP 0x92 Packet Identifier not found, with a Reason String
    public void PubComp_V500WithReasonString_EncodesProperties()
    {
        byte[] wire =
        [
            0x70, 0x08,             // PUBCOMP, Remaining Length 8
            0x00, 0x09,             // Packet Identifier 9
            0x92,                   // Reason Code: Packet Identifier not found
            0x04,                   // Property Length 4
            0x1F, 0x00, 0x01, 0x78, //   Reason String "x"
        ];
        Codec.AssertGolden(
            new PubCompPacket(9, MqttReasonCode.PacketIdentifierNotFound, new AckProperties { ReasonString = "x" }),
            MqttProtocolVersion.V500, wire);
    }

    [Fact] // 5.0 §3.4.2.1: a receiver accepts "reason code, then Property Length 0"
    public void PubAck_V500WithEmptyPropertyBlock_DecodesAsSuccess() =>
        Codec.AssertDecodesInEverySegmentation([0x40, 0x04, 0x00, 0x07, 0x00, 0x00], MqttProtocolVersion.V500, new PubAckPacket(7));

    [Fact] // §3.12, §3.13: C0 00 and D0 00
    public void Pings_BothVersions_AreTwoBytes()
    {
        foreach (MqttProtocolVersion version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            Codec.AssertGolden(default(PingReqPacket), version, [0xC0, 0x00]);
            Codec.AssertGolden(default(PingRespPacket), version, [0xD0, 0x00]);
        }
    }

    [Fact] // Table 2-6 lists 0x8C Bad authentication method for DISCONNECT (sent after a failed re-authentication, §4.12.1)
    public void Disconnect_V500BadAuthenticationMethod_IsAccepted() =>
        Codec.AssertGolden(new DisconnectPacket(MqttReasonCode.BadAuthenticationMethod), MqttProtocolVersion.V500, [0xE0, 0x01, 0x8C]);
}
