using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;
using CloudSignal.Mqtt.Tests.Infrastructure.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Property = FsCheck.Property;

namespace CloudSignal.Mqtt.Tests.Protocol.Properties;

/// <summary>CONNECT and CONNACK round-trip for both protocol levels: decode(encode(p)) == p.</summary>
public class ConnectRoundTripProperties
{
    private const int Tests = 200;

    [Property(MaxTest = Tests)]
    public Property Connect_V311_EncodedThenDecoded_EqualsOriginal() => RoundTrips(PacketGen.Connect(MqttProtocolVersion.V311), MqttProtocolVersion.V311);

    [Property(MaxTest = Tests)]
    public Property Connect_V500_EncodedThenDecoded_EqualsOriginal() => RoundTrips(PacketGen.Connect(MqttProtocolVersion.V500), MqttProtocolVersion.V500);

    [Property(MaxTest = Tests)]
    public Property ConnAck_V311_EncodedThenDecoded_EqualsOriginal() => RoundTrips(PacketGen.ConnAck(MqttProtocolVersion.V311), MqttProtocolVersion.V311);

    [Property(MaxTest = Tests)]
    public Property ConnAck_V500_EncodedThenDecoded_EqualsOriginal() => RoundTrips(PacketGen.ConnAck(MqttProtocolVersion.V500), MqttProtocolVersion.V500);

    [Property(MaxTest = Tests)]
    public Property Connect_EitherLevel_DecodedOnTheOtherConnection_KeepsItsOwnLevel() =>
        Prop.ForAll(
            Arb.From(
                from version in Gen.Elements(MqttProtocolVersion.V311, MqttProtocolVersion.V500)
                from packet in PacketGen.Connect(version)
                select packet),
            packet =>
            {
                byte[] wire = Codec.Encode(packet, packet.ProtocolVersion);
                MqttProtocolVersion other = packet.ProtocolVersion == MqttProtocolVersion.V500 ? MqttProtocolVersion.V311 : MqttProtocolVersion.V500;
                return Codec.Decode(wire, other).Equals(packet);
            });

    [Property(MaxTest = Tests)]
    public Property Connect_V500_DecodedThenReencoded_GivesSameBytes() =>
        Prop.ForAll(Arb.From(PacketGen.Connect(MqttProtocolVersion.V500)), packet =>
        {
            byte[] wire = Codec.Encode(packet, MqttProtocolVersion.V500);
            var decoded = (ConnectPacket)Codec.Decode(wire, MqttProtocolVersion.V500);
            return wire.AsSpan().SequenceEqual(Codec.Encode(decoded, MqttProtocolVersion.V500));
        });

    private static Property RoundTrips<TPacket>(Gen<TPacket> gen, MqttProtocolVersion version)
        where TPacket : IMqttPacket =>
        Prop.ForAll(Arb.From(gen), packet =>
        {
            IMqttPacket decoded = Codec.Decode(Codec.Encode(packet, version), version);
            return decoded.Equals(packet).Label($"decoded {decoded}\nexpected {packet}");
        });
}
