namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Receives decoded packets from <see cref="PacketDecoder"/>. The packet's strings and bytes
/// are slices of the decoder's input: valid only until the caller releases that buffer.
/// A generic struct handler makes this dispatch free of boxing and allocation.
/// </summary>
internal interface IPacketHandler
{
    void OnConnect(in ConnectPacket packet);

    void OnConnAck(in ConnAckPacket packet);

    void OnPublish(in PublishPacket packet);

    void OnPubAck(in PubAckPacket packet);

    void OnPubRec(in PubRecPacket packet);

    void OnPubRel(in PubRelPacket packet);

    void OnPubComp(in PubCompPacket packet);

    void OnSubscribe(in SubscribePacket packet);

    void OnSubAck(in SubAckPacket packet);

    void OnUnsubscribe(in UnsubscribePacket packet);

    void OnUnsubAck(in UnsubAckPacket packet);

    void OnPingReq(in PingReqPacket packet);

    void OnPingResp(in PingRespPacket packet);

    void OnDisconnect(in DisconnectPacket packet);

    void OnAuth(in AuthPacket packet);
}
