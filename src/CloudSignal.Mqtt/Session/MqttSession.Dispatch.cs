using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

internal sealed partial class MqttSession
{
    /// <summary>Routes decoded packets into the session. A struct, so decoding dispatch allocates nothing.</summary>
    private readonly struct PacketDispatcher(MqttSession session) : IPacketHandler
    {
        public void OnConnAck(in ConnAckPacket packet) => session.OnConnAck(packet);

        public void OnPublish(in PublishPacket packet) => session.OnPublish(packet);

        public void OnPubAck(in PubAckPacket packet) => session.IfConnected(PacketType.PubAck)?.OnPubAck(packet);

        public void OnPubRec(in PubRecPacket packet) => session.IfConnected(PacketType.PubRec)?.OnPubRec(packet);

        public void OnPubRel(in PubRelPacket packet) => session.IfConnected(PacketType.PubRel)?.OnPubRel(packet);

        public void OnPubComp(in PubCompPacket packet) => session.IfConnected(PacketType.PubComp)?.OnPubComp(packet);

        public void OnSubAck(in SubAckPacket packet) => session.IfConnected(PacketType.SubAck)?.OnSubAck(packet);

        public void OnUnsubAck(in UnsubAckPacket packet) => session.IfConnected(PacketType.UnsubAck)?.OnUnsubAck(packet);

        public void OnPingResp(in PingRespPacket packet) => session.IfConnected(PacketType.PingResp)?.OnPingResp();

        public void OnAuth(in AuthPacket packet) => session.OnAuth(packet);

        public void OnDisconnect(in DisconnectPacket packet)
        {
            if (session._version == MqttProtocolVersion.V500)
            {
                if (session.State == SessionState.Connecting)
                {
                    // [MQTT-3.14.0-1]: the server sends DISCONNECT only after a successful CONNACK.
                    session.Violation(MqttReasonCode.ProtocolError, $"DISCONNECT 0x{(byte)packet.ReasonCode:X2} before CONNACK");
                    return;
                }

                session.OnServerDisconnect(packet);
            }
            else
            {
                session.ClientOnly(PacketType.Disconnect); // 3.1.1: DISCONNECT goes client → server only
            }
        }

        // Packets a server never sends (5.0 §3.1, §3.8, §3.10, §3.12): a Protocol Error.
        public void OnConnect(in ConnectPacket packet) => session.ClientOnly(PacketType.Connect);

        public void OnSubscribe(in SubscribePacket packet) => session.ClientOnly(PacketType.Subscribe);

        public void OnUnsubscribe(in UnsubscribePacket packet) => session.ClientOnly(PacketType.Unsubscribe);

        public void OnPingReq(in PingReqPacket packet) => session.ClientOnly(PacketType.PingReq);
    }

    private void ClientOnly(PacketType type) =>
        Violation(MqttReasonCode.ProtocolError, $"the server sent {type}, which only a client sends");

    /// <summary>This session when connected; otherwise reports the violation and returns null.</summary>
    private MqttSession? IfConnected(PacketType type)
    {
        if (State is SessionState.Connected or SessionState.Disconnecting)
        {
            return this;
        }

        // [MQTT-3.2.0-1] (5.0) / [MQTT-3.2.0-1] (3.1.1): the server's first packet is CONNACK.
        Violation(MqttReasonCode.ProtocolError, $"{type} before CONNACK");
        return null;
    }
}
