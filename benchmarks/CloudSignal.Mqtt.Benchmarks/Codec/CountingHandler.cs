using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Benchmarks.Codec;

/// <summary>
/// A struct handler for the generic, allocation-free <see cref="PacketDecoder"/> path. It
/// keeps one number per packet (payload length, packet identifier, ...) so the JIT cannot
/// drop the decode as dead code.
/// </summary>
internal struct CountingHandler : IPacketHandler
{
    public long Value;

    public void OnConnect(in ConnectPacket packet) => Value += packet.KeepAlive;

    public void OnConnAck(in ConnAckPacket packet) => Value++;

    public void OnPublish(in PublishPacket packet) => Value += packet.Payload.Length;

    public void OnPubAck(in PubAckPacket packet) => Value += packet.PacketIdentifier;

    public void OnPubRec(in PubRecPacket packet) => Value += packet.PacketIdentifier;

    public void OnPubRel(in PubRelPacket packet) => Value += packet.PacketIdentifier;

    public void OnPubComp(in PubCompPacket packet) => Value += packet.PacketIdentifier;

    public void OnSubscribe(in SubscribePacket packet) => Value += packet.Subscriptions.Count;

    public void OnSubAck(in SubAckPacket packet) => Value++;

    public void OnUnsubscribe(in UnsubscribePacket packet) => Value++;

    public void OnUnsubAck(in UnsubAckPacket packet) => Value++;

    public void OnPingReq(in PingReqPacket packet) => Value++;

    public void OnPingResp(in PingRespPacket packet) => Value++;

    public void OnDisconnect(in DisconnectPacket packet) => Value++;

    public void OnAuth(in AuthPacket packet) => Value++;
}
