using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/// <summary>
/// Inbound QoS (5.0 §4.3, method A of §4.3.3): QoS 0 deliver; QoS 1 deliver then PUBACK;
/// QoS 2 deliver once, keep the identifier until PUBREL, and answer a duplicate PUBLISH with
/// PUBREC without delivering again [MQTT-4.3.3-9].
/// </summary>
internal sealed partial class MqttSession
{
    /// <summary>Identifiers of QoS 2 messages delivered and awaiting PUBREL. One bit each.</summary>
    private readonly PacketIdSet _inboundQos2 = new();
    private readonly InboundTopicAliases _inboundAliases = new();

    /// <summary>Inbound QoS 2 messages awaiting PUBREL.</summary>
    public int InboundAwaitingReleaseCount => _inboundQos2.Count;

    private void OnPublish(in PublishPacket packet)
    {
        if (State != SessionState.Connected)
        {
            Violation(MqttReasonCode.ProtocolError, "PUBLISH before CONNACK");
            return;
        }

        MqttString topic = packet.TopicName;
        if (_version == MqttProtocolVersion.V500 && _inboundAliases.Resolve(packet, out topic) is string aliasProblem)
        {
            // 5.0 §3.3.2.3.4: an alias of 0 or above our Topic Alias Maximum, or one never set.
            Violation(MqttReasonCode.TopicAliasInvalid, aliasProblem);
            return;
        }

        ushort id = packet.PacketIdentifier;
        switch (packet.Qos)
        {
            case MqttQos.AtMostOnce:
                Deliver(packet, topic);
                break;

            case MqttQos.AtLeastOnce:
                Deliver(packet, topic);
                _transmit.Enqueue(new Outgoing(OutgoingKind.PubAck, id));
                break;

            default:
                if (!_inboundQos2.Contains(id))
                {
                    if (_version == MqttProtocolVersion.V500 && _options.EnforceReceiveMaximum && _inboundQos2.Count >= _options.ReceiveMaximum)
                    {
                        // [MQTT-3.3.4-9]: the server may not exceed the Receive Maximum we sent.
                        Violation(MqttReasonCode.ReceiveMaximumExceeded, $"more than {_options.ReceiveMaximum} QoS 2 messages awaiting PUBREL");
                        return;
                    }

                    _inboundQos2.Add(id);
                    _store?.AddReceived(id);
                    Deliver(packet, topic);
                }

                _transmit.Enqueue(new Outgoing(OutgoingKind.PubRec, id));
                break;
        }
    }

    private void OnPubRel(in PubRelPacket packet)
    {
        ushort id = packet.PacketIdentifier;
        bool known = _inboundQos2.Remove(id);
        if (known)
        {
            _store?.RemoveReceived(id);
        }

        // 5.0 §3.7.2.1: 0x92 when we hold no such identifier; 3.1.1 has no code to say it.
        MqttReasonCode code = known || _version != MqttProtocolVersion.V500 ? MqttReasonCode.Success : MqttReasonCode.PacketIdentifierNotFound;
        _transmit.Enqueue(new Outgoing(OutgoingKind.PubComp, id, code));
    }

    private void Deliver(in PublishPacket packet, MqttString topic) =>
        MessageHandler?.OnMessage(new InboundMessage(packet, topic));
}
