using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;
using CloudSignal.Mqtt.Tests.Infrastructure.Generators;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Property = FsCheck.Property;

namespace CloudSignal.Mqtt.Tests.Protocol.Properties;

/// <summary>decode(encode(p)) == p for every valid DISCONNECT and AUTH (5.0 §3.14, §3.15; 3.1.1 §3.14).</summary>
public class DisconnectAuthRoundTripProperties
{
    [Property(MaxTest = 200)]
    public Property Disconnect_V500_RoundTrips() =>
        Prop.ForAll(PacketGen.Disconnect(MqttProtocolVersion.V500).ToArbitrary(), p => RoundTrips(p, MqttProtocolVersion.V500));

    [Property(MaxTest = 20)] // 3.1.1 has exactly one DISCONNECT: E0 00
    public Property Disconnect_V311_RoundTrips() =>
        Prop.ForAll(PacketGen.Disconnect(MqttProtocolVersion.V311).ToArbitrary(), p => RoundTrips(p, MqttProtocolVersion.V311));

    [Property(MaxTest = 200)]
    public Property Auth_V500_RoundTrips() =>
        Prop.ForAll(PacketGen.Auth.ToArbitrary(), p => RoundTrips(p, MqttProtocolVersion.V500));

    [Property(MaxTest = 200)] // we always send the shortest form (5.0 §3.14.2.1)
    public Property Disconnect_V500_EncodesShortestForm() =>
        Prop.ForAll(
            PacketGen.Disconnect(MqttProtocolVersion.V500).ToArbitrary(),
            p =>
            {
                int length = Codec.Encode(p, MqttProtocolVersion.V500).Length;
                if (!p.Properties.IsEmpty)
                {
                    return length > 3; // reason code, Property Length, at least one property
                }

                return length == (p.ReasonCode == MqttReasonCode.NormalDisconnection ? 2 : 3);
            });

    private static bool RoundTrips<TPacket>(TPacket packet, MqttProtocolVersion version)
        where TPacket : IMqttPacket
    {
        byte[] bytes = Codec.Encode(packet, version);
        IMqttPacket decoded = Codec.Decode(bytes, version);
        return decoded is TPacket typed && typed.Equals(packet);
    }
}
