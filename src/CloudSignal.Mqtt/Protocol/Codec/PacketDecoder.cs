using System.Buffers;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Decodes one packet at a time from a byte stream that may arrive in any segmentation.
/// <list type="bullet">
/// <item><see cref="OperationStatus.NeedMoreData"/>: no whole packet yet; nothing consumed, nothing thrown.</item>
/// <item><see cref="OperationStatus.Done"/>: exactly one packet decoded and handed to the handler;
/// <c>buffer</c> now starts after it.</item>
/// <item><see cref="MqttProtocolException"/>: the bytes break the spec; nothing else is ever thrown.</item>
/// </list>
/// </summary>
internal static class PacketDecoder
{
    public static OperationStatus TryDecode<THandler>(
        ref ReadOnlySequence<byte> buffer,
        MqttProtocolVersion version,
        uint maximumPacketSize,
        ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        OperationStatus status = PacketScanner.TryScan(buffer, version, maximumPacketSize, out FixedHeader header);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        var reader = new MqttReader(buffer.Slice(header.HeaderLength, header.RemainingLength), header.HeaderLength);
        switch (header.Type)
        {
            case PacketType.Connect: handler.OnConnect(ConnectPacket.Read(ref reader, header, version)); break;
            case PacketType.ConnAck: handler.OnConnAck(ConnAckPacket.Read(ref reader, header, version)); break;
            case PacketType.Publish: handler.OnPublish(PublishPacket.Read(ref reader, header, version)); break;
            case PacketType.PubAck: handler.OnPubAck(PubAckPacket.Read(ref reader, header, version)); break;
            case PacketType.PubRec: handler.OnPubRec(PubRecPacket.Read(ref reader, header, version)); break;
            case PacketType.PubRel: handler.OnPubRel(PubRelPacket.Read(ref reader, header, version)); break;
            case PacketType.PubComp: handler.OnPubComp(PubCompPacket.Read(ref reader, header, version)); break;
            case PacketType.Subscribe: handler.OnSubscribe(SubscribePacket.Read(ref reader, header, version)); break;
            case PacketType.SubAck: handler.OnSubAck(SubAckPacket.Read(ref reader, header, version)); break;
            case PacketType.Unsubscribe: handler.OnUnsubscribe(UnsubscribePacket.Read(ref reader, header, version)); break;
            case PacketType.UnsubAck: handler.OnUnsubAck(UnsubAckPacket.Read(ref reader, header, version)); break;
            case PacketType.PingReq: handler.OnPingReq(PingReqPacket.Read(ref reader, header, version)); break;
            case PacketType.PingResp: handler.OnPingResp(PingRespPacket.Read(ref reader, header, version)); break;
            case PacketType.Disconnect: handler.OnDisconnect(DisconnectPacket.Read(ref reader, header, version)); break;
            default: handler.OnAuth(AuthPacket.Read(ref reader, header, version)); break;
        }

        buffer = buffer.Slice(header.PacketLength);
        return OperationStatus.Done;
    }

    /// <summary>
    /// Convenience for tests, tools and cold paths: the decoded packet, boxed. The hot path
    /// uses the generic overload.
    /// </summary>
    public static OperationStatus TryDecode(
        ref ReadOnlySequence<byte> buffer,
        MqttProtocolVersion version,
        uint maximumPacketSize,
        out IMqttPacket? packet)
    {
        var box = new BoxingHandler();
        OperationStatus status = TryDecode(ref buffer, version, maximumPacketSize, ref box);
        packet = box.Packet;
        return status;
    }

    private struct BoxingHandler : IPacketHandler
    {
        public IMqttPacket? Packet;

        public void OnConnect(in ConnectPacket packet) => Packet = packet;

        public void OnConnAck(in ConnAckPacket packet) => Packet = packet;

        public void OnPublish(in PublishPacket packet) => Packet = packet;

        public void OnPubAck(in PubAckPacket packet) => Packet = packet;

        public void OnPubRec(in PubRecPacket packet) => Packet = packet;

        public void OnPubRel(in PubRelPacket packet) => Packet = packet;

        public void OnPubComp(in PubCompPacket packet) => Packet = packet;

        public void OnSubscribe(in SubscribePacket packet) => Packet = packet;

        public void OnSubAck(in SubAckPacket packet) => Packet = packet;

        public void OnUnsubscribe(in UnsubscribePacket packet) => Packet = packet;

        public void OnUnsubAck(in UnsubAckPacket packet) => Packet = packet;

        public void OnPingReq(in PingReqPacket packet) => Packet = packet;

        public void OnPingResp(in PingRespPacket packet) => Packet = packet;

        public void OnDisconnect(in DisconnectPacket packet) => Packet = packet;

        public void OnAuth(in AuthPacket packet) => Packet = packet;
    }
}
