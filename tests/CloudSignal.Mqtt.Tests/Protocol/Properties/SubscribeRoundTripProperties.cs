using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;
using CloudSignal.Mqtt.Tests.Infrastructure.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static CloudSignal.Mqtt.MqttProtocolVersion;
using Property = FsCheck.Property;

namespace CloudSignal.Mqtt.Tests.Protocol.Properties;

/// <summary>decode(encode(p)) == p for SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK, at both protocol levels.</summary>
public class SubscribeRoundTripProperties
{
    private const int Tests = 200;

    [Property(MaxTest = Tests)]
    public Property Subscribe_V311_RoundTrips() => RoundTrips(PacketGen.Subscribe(V311), V311);

    [Property(MaxTest = Tests)]
    public Property Subscribe_V500_RoundTrips() => RoundTrips(PacketGen.Subscribe(V500), V500);

    [Property(MaxTest = Tests)]
    public Property SubAck_V311_RoundTrips() => RoundTrips(PacketGen.SubAck(V311), V311);

    [Property(MaxTest = Tests)]
    public Property SubAck_V500_RoundTrips() => RoundTrips(PacketGen.SubAck(V500), V500);

    [Property(MaxTest = Tests)]
    public Property Unsubscribe_V311_RoundTrips() => RoundTrips(PacketGen.Unsubscribe(V311), V311);

    [Property(MaxTest = Tests)]
    public Property Unsubscribe_V500_RoundTrips() => RoundTrips(PacketGen.Unsubscribe(V500), V500);

    [Property(MaxTest = Tests)]
    public Property UnsubAck_V311_RoundTrips() => RoundTrips(PacketGen.UnsubAck(V311), V311);

    [Property(MaxTest = Tests)]
    public Property UnsubAck_V500_RoundTrips() => RoundTrips(PacketGen.UnsubAck(V500), V500);

    private static Property RoundTrips<TPacket>(Gen<TPacket> gen, MqttProtocolVersion version)
        where TPacket : IMqttPacket =>
        Prop.ForAll(gen.ToArbitrary(), packet =>
        {
            byte[] wire = Codec.Encode(packet, version);
            IMqttPacket decoded = Codec.Decode(wire, version);
            return decoded.Equals(packet).Label($"decoded {decoded}\nexpected {packet}");
        });
}
