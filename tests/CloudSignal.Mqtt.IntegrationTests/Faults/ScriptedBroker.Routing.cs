using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>Routing and the broker-to-client QoS 1/2 flows. All under <see cref="Gate"/>.</summary>
internal sealed partial class ScriptedBroker
{
    private long _sequence;

    private long NextSequence() => ++_sequence;

    /// <summary>Records the message as delivered by the broker and hands it to every matching session.</summary>
    private void Route(BrokerConnection from, RecordedPacket publish)
    {
        _messages.Add(new BrokerMessage(from.Number, from.ClientId, publish.Topic!, publish.Payload!, publish.Qos, publish.Dup));
        foreach (BrokerSession session in _sessions.Values)
        {
            if (session.Match(publish.Topic!) is not MqttQos granted)
            {
                continue;
            }

            MqttQos qos = (MqttQos)Math.Min((int)granted, (int)publish.Qos);
            if (qos == MqttQos.AtMostOnce)
            {
                if (session.Connection is { } c)
                {
                    Send(c, new PublishPacket { Qos = qos, TopicName = publish.Topic!, Payload = publish.Payload! });
                }

                continue;
            }

            // Queued behind earlier waiting messages, so per-topic order holds [MQTT-4.6.0-6].
            session.Waiting.Enqueue(new OutboundFlow(publish.Topic!, publish.Payload!, qos, NextSequence()));
            DrainWaiting(session);
        }
    }

    /// <summary>Gives waiting messages an identifier while the client's Receive Maximum allows, and sends them if connected.</summary>
    private void DrainWaiting(BrokerSession session)
    {
        while (session.Waiting.Count > 0 && session.Outbound.Count < session.ReceiveMaximum && session.TryAllocateId(out ushort id))
        {
            OutboundFlow flow = session.Waiting.Dequeue();
            flow.PacketId = id;
            session.Outbound[id] = flow;
            if (session.Connection is { } c)
            {
                flow.Sent = SendFlow(c, flow);
            }
        }
    }

    /// <summary>
    /// A resumed session: every unacknowledged message again, in routing order, PUBLISH with DUP
    /// if it was sent before, PUBREL past PUBREC [MQTT-4.4.0-1] [MQTT-4.6.0-1]; then the waiting ones.
    /// </summary>
    private void Resume(BrokerSession session)
    {
        BrokerConnection c = session.Connection!;
        foreach (OutboundFlow flow in session.Outbound.Values.OrderBy(f => f.Sequence).ToList())
        {
            if (flow.State == OutboundState.AwaitingPubComp)
            {
                Send(c, new PubRelPacket(flow.PacketId));
            }
            else
            {
                flow.Sent |= SendFlow(c, flow);
            }
        }

        DrainWaiting(session);
    }

    private bool SendFlow(BrokerConnection c, OutboundFlow flow) =>
        Send(c, new PublishPacket
        {
            Dup = flow.Sent,
            Qos = flow.Qos,
            TopicName = flow.Topic,
            PacketIdentifier = flow.PacketId,
            Payload = flow.Payload,
        });

    private void OnPubAck(BrokerConnection c, ushort id)
    {
        BrokerSession session = c.Session!;
        if (session.Outbound.TryGetValue(id, out OutboundFlow? flow) && flow.State == OutboundState.AwaitingPubAck)
        {
            session.Outbound.Remove(id);
            DrainWaiting(session);
        }
    }

    private void OnPubRec(BrokerConnection c, ushort id)
    {
        BrokerSession session = c.Session!;
        if (!session.Outbound.TryGetValue(id, out OutboundFlow? flow) || flow.State == OutboundState.AwaitingPubAck)
        {
            // 5.0 §3.6.2.1: an identifier not in flight is answered with 0x92.
            Send(c, new PubRelPacket(id, c.Version == MqttProtocolVersion.V500 ? MqttReasonCode.PacketIdentifierNotFound : MqttReasonCode.Success));
            return;
        }

        // [MQTT-4.3.3-4] (5.0) / [MQTT-4.3.3-1] (3.1.1): PUBREC answered with PUBREL, also when repeated.
        flow.State = OutboundState.AwaitingPubComp;
        Send(c, new PubRelPacket(id));
    }

    private void OnPubComp(BrokerConnection c, ushort id)
    {
        BrokerSession session = c.Session!;
        if (session.Outbound.TryGetValue(id, out OutboundFlow? flow) && flow.State == OutboundState.AwaitingPubComp)
        {
            session.Outbound.Remove(id);
            DrainWaiting(session);
        }
    }
}
