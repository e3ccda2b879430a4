namespace CloudSignal.Mqtt.Session;

/// <summary>
/// Keep alive (5.0 §3.1.2.10, 3.1.1 §3.1.2.10): if we have sent no control packet for the
/// keep alive period, send PINGREQ [MQTT-3.1.2-23]; if its PINGRESP does not come within the
/// response timeout, the connection is dead. Receiving does not postpone our PINGREQ: the
/// rule is about what the client sends.
/// </summary>
internal sealed partial class MqttSession
{
    private long _keepAliveTicks;
    private long _lastSent;
    private long? _pingSent;

    /// <summary>The timestamp (of the session's TimeProvider) at which <see cref="HandleTimeout"/> must run, or null.</summary>
    public long? PollTimeout()
    {
        // Only Connecting and Connected have timers: a deadline while Disconnecting would be one
        // HandleTimeout ignores, and a driver would spin on it until the DISCONNECT is written.
        long? deadline = State == SessionState.Connecting ? _connectDeadline : null;
        if (State == SessionState.Connected && _keepAliveTicks > 0)
        {
            long next = _pingSent is long sent ? sent + PingResponseTicks : _lastSent + _keepAliveTicks;
            deadline = deadline is long d ? Math.Min(d, next) : next;
        }

        return deadline;
    }

    /// <summary>Acts on every deadline that has passed.</summary>
    public void HandleTimeout()
    {
        long now = _time.GetTimestamp();
        if (State == SessionState.Connecting && now >= _connectDeadline)
        {
            Close(CloseReason.ConnectTimeout, MqttReasonCode.UnspecifiedError, $"no CONNACK within {_options.ConnectTimeout}");
            return;
        }

        if (State != SessionState.Connected || _keepAliveTicks == 0)
        {
            return;
        }

        if (_pingSent is long sent)
        {
            if (now >= sent + PingResponseTicks)
            {
                Close(CloseReason.KeepAliveTimeout, MqttReasonCode.KeepAliveTimeout, "no PINGRESP within the response timeout");
            }
        }
        else if (now >= _lastSent + _keepAliveTicks)
        {
            _transmit.Enqueue(new Outgoing(OutgoingKind.PingReq));
            _pingSent = now;
        }
    }

    private long PingResponseTicks => _options.PingResponseTimeout is TimeSpan t ? ToTicks(t) : _keepAliveTicks / 2;

    private void OnPingResp() => _pingSent = null;
}
