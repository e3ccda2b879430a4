using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// The faults a <see cref="ScriptedBroker"/> injects. Set before or while clients are connected,
/// from any thread: every setting is read under one lock at the moment it applies. A fault
/// limited to the <c>firstConnections</c> applies to connections 1..N (in accept order) only, so
/// a test can break the first connection and watch the client recover on the next.
/// </summary>
internal sealed class FaultScript
{
    private readonly Lock _gate = new();
    private (byte Code, int? FirstConnections)? _refuse;
    private (bool On, int? FirstConnections) _ignorePingReq;
    private (byte[] Bytes, int? FirstConnections)? _malformed;
    private Func<FaultPoint, bool>? _dropAt;
    private TimeSpan _delay;
    private bool _oneBytePerSend;

    /// <summary>Answer CONNECT with a CONNACK carrying this 5.0 reason code, then close.</summary>
    public FaultScript RefuseConnect(MqttReasonCode code, int? firstConnections = null) => Refuse((byte)code, firstConnections);

    /// <summary>Answer a 3.1.1 CONNECT with a CONNACK carrying this return code, then close.</summary>
    public FaultScript RefuseConnect(ConnectReturnCode code, int? firstConnections = null) => Refuse((byte)code, firstConnections);

    /// <summary>Record PINGREQ but never answer it (a broker that went silent).</summary>
    public FaultScript IgnorePingReq(bool on = true, int? firstConnections = null)
    {
        lock (_gate)
        {
            _ignorePingReq = (on, firstConnections);
        }

        return this;
    }

    /// <summary>Right after an accepting CONNACK, write <paramref name="bytes"/> as they are (and keep the connection open).</summary>
    public FaultScript SendMalformed(byte[] bytes, int? firstConnections = null)
    {
        lock (_gate)
        {
            _malformed = (bytes, firstConnections);
        }

        return this;
    }

    /// <summary>
    /// Cut the connection (no DISCONNECT; TCP FIN after the packets already queued) at the first
    /// packet for which <paramref name="predicate"/> is true. The packet is lost on the wire: a
    /// received one is recorded but not acted on (the broker never saw it); one to send is not
    /// written, though what the broker did before deciding to send it stands (a routed message
    /// stays routed, a QoS 2 identifier stays stored). The predicate runs under the broker's lock,
    /// one packet at a time, so it may keep state (a counter, a seeded Random). Null: no drops.
    /// </summary>
    public FaultScript DropAt(Func<FaultPoint, bool>? predicate)
    {
        lock (_gate)
        {
            _dropAt = predicate;
        }

        return this;
    }

    /// <summary>Wait this long before writing each packet to any client (zero: no delay).</summary>
    public FaultScript Delay(TimeSpan delay)
    {
        lock (_gate)
        {
            _delay = delay;
        }

        return this;
    }

    /// <summary>Write every byte with its own socket send (NoDelay is always on), so the client reads one byte at a time.</summary>
    public FaultScript OneBytePerSend(bool on = true)
    {
        lock (_gate)
        {
            _oneBytePerSend = on;
        }

        return this;
    }

    /// <summary>Back to a well-behaved broker.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _refuse = null;
            _ignorePingReq = default;
            _malformed = null;
            _dropAt = null;
            _delay = TimeSpan.Zero;
            _oneBytePerSend = false;
        }
    }

    internal byte? RefusalFor(int connection)
    {
        lock (_gate)
        {
            return _refuse is { } r && Applies(r.FirstConnections, connection) ? r.Code : null;
        }
    }

    internal bool IgnoresPingReq(int connection)
    {
        lock (_gate)
        {
            return _ignorePingReq.On && Applies(_ignorePingReq.FirstConnections, connection);
        }
    }

    internal byte[]? MalformedFor(int connection)
    {
        lock (_gate)
        {
            return _malformed is { } m && Applies(m.FirstConnections, connection) ? m.Bytes : null;
        }
    }

    internal bool ShouldDrop(in FaultPoint point)
    {
        Func<FaultPoint, bool>? predicate;
        lock (_gate)
        {
            predicate = _dropAt;
        }

        return predicate is not null && predicate(point);
    }

    internal (TimeSpan Delay, bool OneBytePerSend) WriteMode
    {
        get
        {
            lock (_gate)
            {
                return (_delay, _oneBytePerSend);
            }
        }
    }

    private FaultScript Refuse(byte code, int? firstConnections)
    {
        lock (_gate)
        {
            _refuse = (code, firstConnections);
        }

        return this;
    }

    private static bool Applies(int? firstConnections, int connection) => firstConnections is not int n || connection <= n;
}
