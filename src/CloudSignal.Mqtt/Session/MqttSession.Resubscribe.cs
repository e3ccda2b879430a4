using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/// <summary>
/// The subscriptions the server last acknowledged, kept so that a connection whose server holds no
/// session for us (CONNACK session present 0: clean start, expired or lost session) gets them back.
/// The re-SUBSCRIBEs go out first, with their original options and identifiers, and the Connected
/// event waits for their SUBACKs, so the application hears "online" with its subscriptions in place.
/// </summary>
internal sealed partial class MqttSession
{
    /// <summary>Filters per the last SUBACK/UNSUBACK: options and Subscription Identifier, in subscribe order.</summary>
    private readonly OrderedDictionary<string, (SubscriptionOptionFlags Options, uint? Identifier)> _subscriptions = [];
    private readonly HashSet<long> _resubscribeTokens = [];
    private SessionEvent? _deferredConnected;

    /// <summary>Topic filters the session re-subscribes when the server kept no session.</summary>
    public int SubscriptionCount => _subscriptions.Count;

    /// <summary>Updates the registry from an acknowledgement: success keeps a filter, failure or unsubscribe drops it.</summary>
    private void RecordSubscriptions(in ControlRequest request, MqttReasonCode[] perFilter)
    {
        if (request.Subscribe is SubscribePacket subscribe)
        {
            uint? identifier = subscribe.Properties.SubscriptionIdentifier;
            for (int i = 0; i < perFilter.Length; i++)
            {
                Subscription s = subscribe.Subscriptions.Span[i];
                string filter = s.TopicFilter.ToString();
                if ((byte)perFilter[i] < 0x80)
                {
                    _subscriptions.Remove(filter);
                    _subscriptions.Add(filter, (s.Options, identifier));
                }
                else
                {
                    _subscriptions.Remove(filter);
                }
            }
        }
        else
        {
            foreach (MqttString filter in request.Unsubscribe!.Value.TopicFilters.Span)
            {
                _subscriptions.Remove(filter.ToString());
            }
        }
    }

    /// <summary>
    /// On CONNACK: queues one SUBSCRIBE per Subscription Identifier (a SUBSCRIBE carries at most
    /// one), ahead of requests the application queued, and holds <paramref name="connected"/> back
    /// until they are acknowledged. Returns false when nothing needed re-subscribing.
    /// </summary>
    private bool Resubscribe(bool sessionPresent, SessionEvent connected)
    {
        _resubscribeTokens.Clear();
        _deferredConnected = null;
        if (sessionPresent)
        {
            // The kept session is the one an interrupted re-subscribe was rebuilding: its
            // unacknowledged re-SUBSCRIBEs (requeued at the close) go again, like any request.
            return false;
        }

        // Re-SUBSCRIBEs of an earlier connection that it did not finish: superseded by this one's.
        _pendingControl = new Queue<ControlRequest>(_pendingControl.Where(r => !r.Resubscribe));
        if (_subscriptions.Count == 0)
        {
            return false;
        }

        var requests = new List<ControlRequest>();
        foreach (IGrouping<uint?, KeyValuePair<string, (SubscriptionOptionFlags Options, uint? Identifier)>> group in _subscriptions.GroupBy(s => s.Value.Identifier))
        {
            foreach (KeyValuePair<string, (SubscriptionOptionFlags Options, uint? Identifier)>[] chunk in group.Chunk(ResubscribeChunk))
            {
                var packet = new SubscribePacket
                {
                    Subscriptions = chunk.Select(s => new Subscription(s.Key, s.Value.Options)).ToArray(),
                    Properties = new SubscribeProperties { SubscriptionIdentifier = _version == MqttProtocolVersion.V500 ? group.Key : null },
                };
                var request = new ControlRequest(++_nextToken, packet, null, Resubscribe: true);
                _resubscribeTokens.Add(request.Token);
                requests.Add(request);
            }
        }

        _pendingControl = new Queue<ControlRequest>(requests.Concat(_pendingControl));
        _deferredConnected = connected;
        return true;
    }

    /// <summary>Filters per re-SUBSCRIBE: keeps each packet far below any sane Maximum Packet Size.</summary>
    private const int ResubscribeChunk = 64;

    /// <summary>
    /// True when <paramref name="request"/> was a re-SUBSCRIBE: its completion is the session's own
    /// business (no event), and the last one of this connection releases the held Connected event.
    /// </summary>
    private bool CompleteResubscribe(in ControlRequest request)
    {
        if (!request.Resubscribe)
        {
            return false;
        }

        if (_resubscribeTokens.Remove(request.Token) && _resubscribeTokens.Count == 0 && _deferredConnected is SessionEvent connected)
        {
            _deferredConnected = null;
            _events.Enqueue(connected);
        }

        return true;
    }
}
