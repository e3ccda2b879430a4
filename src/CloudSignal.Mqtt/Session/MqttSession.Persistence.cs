using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/// <summary>
/// Mirrors the state that must survive a process restart into an <see cref="IMqttSessionStore"/>:
/// every QoS 1/2 publish from acceptance to completion (with its identifier and PUBREC progress),
/// and the inbound QoS 2 identifiers awaiting PUBREL. Calls happen where the state changes, so the
/// store sees them in order; the driver calls <see cref="IMqttSessionStore.Flush"/> before it writes.
/// </summary>
internal sealed partial class MqttSession
{
    private IMqttSessionStore? _store;

    /// <summary>
    /// Restores what <paramref name="store"/> holds and mirrors every later change into it. Call
    /// once, while disconnected and before the first publish. Restored flows with an identifier
    /// are resent with DUP if the server kept the session; the rest go as new publishes, first.
    /// </summary>
    public void AttachStore(IMqttSessionStore store)
    {
        if (_store is not null || State != SessionState.Disconnected || _nextToken != 0)
        {
            throw new InvalidOperationException("A session store is attached once, before the session is used.");
        }

        StoredSession saved = store.Load();

        // Decode everything before changing anything: a corrupt entry fails the attach and leaves
        // the session as it was.
        var restored = saved.Publishes
            .OrderBy(p => p.Sequence)
            .Select(p => (Stored: p, Message: p.Released && p.Message.IsEmpty
                ? new OutboundMessage(string.Empty, default, MqttQos.ExactlyOnce)
                : StoredMessageCodec.Decode(p.Message)))
            .ToList();

        var pending = new List<PendingPublish>();
        var orphans = new List<long>();
        foreach ((StoredPublish stored, OutboundMessage message) in restored)
        {
            _nextToken = Math.Max(_nextToken, stored.Sequence);
            ushort id = stored.PacketIdentifier;
            if (id != 0 && _packetIds.TryReserve(id))
            {
                _inflight[id] = new InflightPublish
                {
                    Token = stored.Sequence,
                    Sequence = ++_nextSequence,
                    State = stored.Released ? InflightState.AwaitingPubComp
                        : message.Qos == MqttQos.AtLeastOnce ? InflightState.AwaitingPubAck : InflightState.AwaitingPubRec,
                    Message = message,
                    Sent = true, // it went out before the restart: a resend carries DUP [MQTT-3.3.1-1]
                };
            }
            else if (!stored.Released)
            {
                pending.Add(new PendingPublish(stored.Sequence, message));
            }
            else
            {
                // Past PUBREC but without a usable identifier: only a PUBREL could be sent, and
                // there is nothing to send it for. The server owns the message; forget it.
                orphans.Add(stored.Sequence);
            }
        }

        PushFrontPending(pending);
        foreach (ushort id in saved.Received)
        {
            _inboundQos2.Add(id);
        }

        foreach (long sequence in orphans)
        {
            store.RemovePublish(sequence);
        }

        _store = store;
    }

    private void StorePublish(long token, in OutboundMessage message)
    {
        if (_store is not null && message.Qos != MqttQos.AtMostOnce)
        {
            _store.AddPublish(token, StoredMessageCodec.Encode(message));
        }
    }
}
