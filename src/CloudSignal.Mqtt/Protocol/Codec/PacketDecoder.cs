using System.Buffers;
using System.Runtime.CompilerServices;

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
        var input = new PacketInput(buffer);
        OperationStatus status = PacketScanner.TryScan(buffer, input.First, version, maximumPacketSize, out FixedHeader header);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        // One small method per type, never inlined: inlined, all fifteen Read results (CONNECT
        // alone is 568 bytes, with references the JIT must zero) and their readers would share
        // this frame, and every PINGRESP would pay to clear them.
        switch (header.Type)
        {
            case PacketType.Publish: Publish(input, header, version, ref handler); break;
            case PacketType.PubAck: PubAck(input, header, version, ref handler); break;
            case PacketType.PubRec: PubRec(input, header, version, ref handler); break;
            case PacketType.PubRel: PubRel(input, header, version, ref handler); break;
            case PacketType.PubComp: PubComp(input, header, version, ref handler); break;
            case PacketType.PingReq: PingReq(input, header, version, ref handler); break;
            case PacketType.PingResp: PingResp(input, header, version, ref handler); break;
            case PacketType.Connect: Connect(input, header, version, ref handler); break;
            case PacketType.ConnAck: ConnAck(input, header, version, ref handler); break;
            case PacketType.Subscribe: Subscribe(input, header, version, ref handler); break;
            case PacketType.SubAck: SubAck(input, header, version, ref handler); break;
            case PacketType.Unsubscribe: Unsubscribe(input, header, version, ref handler); break;
            case PacketType.UnsubAck: UnsubAck(input, header, version, ref handler); break;
            case PacketType.Disconnect: Disconnect(input, header, version, ref handler); break;
            default: Auth(input, header, version, ref handler); break;
        }

        buffer = input.Skip(header.PacketLength);
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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Publish<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnPublish(new PublishPacket(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PubAck<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnPubAck(PubAckPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PubRec<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnPubRec(PubRecPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PubRel<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnPubRel(PubRelPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PubComp<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnPubComp(PubCompPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PingReq<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnPingReq(PingReqPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PingResp<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnPingResp(PingRespPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Connect<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnConnect(ConnectPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ConnAck<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnConnAck(ConnAckPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Subscribe<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnSubscribe(SubscribePacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SubAck<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnSubAck(SubAckPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Unsubscribe<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnUnsubscribe(UnsubscribePacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UnsubAck<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnUnsubAck(UnsubAckPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Disconnect<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnDisconnect(DisconnectPacket.Read(ref reader, header, version));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Auth<THandler>(scoped in PacketInput input, in FixedHeader header, MqttProtocolVersion version, ref THandler handler)
        where THandler : IPacketHandler, allows ref struct
    {
        MqttReader reader = default;
        reader.Open(input, header.HeaderLength, header.RemainingLength);
        handler.OnAuth(AuthPacket.Read(ref reader, header, version));
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
