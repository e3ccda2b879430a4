using CloudSignal.Mqtt.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace CloudSignal.Mqtt.Tests.Infrastructure.Generators;

internal static partial class PacketGen
{
    /// <summary>Any control packet valid for <paramref name="version"/>, boxed.</summary>
    public static Gen<IMqttPacket> Any(MqttProtocolVersion version)
    {
        var all = new List<Gen<IMqttPacket>>
        {
            Publish(version).Select(Box),
            PubAck(version).Select(Box),
            PubRec(version).Select(Box),
            PubRel(version).Select(Box),
            PubComp(version).Select(Box),
            PingReq.Select(Box),
            PingResp.Select(Box),
            Connect(version).Select(Box),
            ConnAck(version).Select(Box),
            Subscribe(version).Select(Box),
            SubAck(version).Select(Box),
            Unsubscribe(version).Select(Box),
            UnsubAck(version).Select(Box),
            Disconnect(version).Select(Box),
        };
        if (version == MqttProtocolVersion.V500)
        {
            all.Add(Auth.Select(Box)); // AUTH exists only in 5.0
        }

        return Gen.OneOf(all);
    }

    private static IMqttPacket Box<TPacket>(TPacket packet)
        where TPacket : IMqttPacket => packet;
}
