using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

internal sealed partial class MqttSession
{
    private long? _connectDeadline;

    // Server limits from CONNACK (5.0 §3.2.2.3); the spec's defaults apply when absent and under 3.1.1.
    private ushort _serverReceiveMaximum;
    private MqttQos _maximumQos;
    private bool _retainAvailable;
    private uint _serverMaximumPacketSize;
    private bool _wildcardAvailable;
    private bool _subscriptionIdentifiersAvailable;
    private bool _sharedAvailable;

    /// <summary>Starts a connection: the transport is open, CONNECT is queued, the CONNACK timer runs.</summary>
    public void Connect()
    {
        if (State != SessionState.Disconnected)
        {
            throw new InvalidOperationException($"Connect() needs a disconnected session; it is {State}.");
        }

        bool v5 = _version == MqttProtocolVersion.V500;
        if (_options.ClientId.Length > 0 || !v5)
        {
            ClientId = _options.ClientId;
        }

        // Otherwise ClientId is empty, or the identifier a previous CONNACK assigned (5.0 §3.2.2.3.7):
        // naming it again is what lets a session the server kept be resumed.
        IMqttAuthenticator? auth = v5 ? _options.Authenticator : null;
        var connect = new ConnectPacket
        {
            ProtocolVersion = _version,
            CleanStart = _options.CleanStart,
            KeepAlive = _options.KeepAliveSeconds,
            ClientId = ClientId,
            Will = _options.Will,
            UserName = _options.UserName is { } user ? new MqttString(user) : default(MqttString?),
            Password = _options.Password is { } password ? new MqttBinary(password) : default(MqttBinary?),
            Properties = v5
                ? new ConnectProperties
                {
                    SessionExpiryInterval = _options.SessionExpiryInterval == 0 ? null : _options.SessionExpiryInterval,
                    ReceiveMaximum = _options.ReceiveMaximum == ushort.MaxValue ? null : _options.ReceiveMaximum,
                    MaximumPacketSize = _options.MaximumPacketSize >= PacketScanner.ProtocolMaximumPacketSize ? null : _options.MaximumPacketSize,
                    TopicAliasMaximum = _options.TopicAliasMaximum == 0 ? null : _options.TopicAliasMaximum,
                    RequestResponseInformation = _options.RequestResponseInformation ? true : null,
                    RequestProblemInformation = _options.RequestProblemInformation ? null : false,
                    UserProperties = _options.UserProperties ?? [],
                    AuthenticationMethod = auth is null ? default(MqttString?) : new MqttString(auth.Method),
                    AuthenticationData = auth is null ? default(MqttBinary?) : new MqttBinary(auth.GetInitialData()),
                }
                : default,
        };

        // Validate now, so a bad option fails the call rather than a later poll.
        connect.GetRemainingLength(_version);

        _transmit.Clear();
        _pingSent = null;
        // The period the server enforces is the whole seconds we send, so ours is the same.
        _keepAliveTicks = ToTicks(TimeSpan.FromSeconds(_options.KeepAliveSeconds));
        _outboundAliases.Reset(0);
        _inboundAliases.Reset(v5 ? _options.TopicAliasMaximum : (ushort)0);
        _transmit.Enqueue(Outgoing.Control(connect));
        _connectDeadline = _time.GetTimestamp() + ToTicks(_options.ConnectTimeout);
        State = SessionState.Connecting;
    }

    private void OnConnAck(in ConnAckPacket packet)
    {
        if (State != SessionState.Connecting)
        {
            // [MQTT-3.2.0-2] (5.0): the server sends CONNACK once.
            Violation(MqttReasonCode.ProtocolError, "CONNACK received on an established connection");
            return;
        }

        ConnAckProperties p = packet.Properties;
        if (packet.ReasonCode != MqttReasonCode.Success)
        {
            if (_version == MqttProtocolVersion.V500)
            {
                Close(CloseReason.ConnectionRefused, packet.ReasonCode,
                    $"the server refused the connection: 0x{(byte)packet.ReasonCode:X2} {packet.ReasonCode}",
                    p.ReasonString?.ToString(), p.ServerReference?.ToString());
            }
            else
            {
                Refused311(packet.ReturnCode);
            }

            return;
        }

        string? method = _version == MqttProtocolVersion.V500 ? _options.Authenticator?.Method : null;
        if (p.AuthenticationMethod?.ToString() != method)
        {
            // [MQTT-4.12.0-5]: a successful CONNACK names the method of CONNECT; [MQTT-4.12.0-6]: or none.
            Violation(MqttReasonCode.ProtocolError, method is null
                ? $"CONNACK names Authentication Method \"{p.AuthenticationMethod}\", but CONNECT named none"
                : $"CONNACK does not name the Authentication Method \"{method}\" of CONNECT");
            return;
        }

        _connectDeadline = null;
        ResetServerLimits();
        if (p.ReceiveMaximum is ushort receiveMaximum)
        {
            _serverReceiveMaximum = receiveMaximum;
        }

        _maximumQos = p.MaximumQoS ?? MqttQos.ExactlyOnce;
        _retainAvailable = p.RetainAvailable ?? true;
        _serverMaximumPacketSize = p.MaximumPacketSize ?? PacketScanner.ProtocolMaximumPacketSize;
        _wildcardAvailable = p.WildcardSubscriptionAvailable ?? true;
        _subscriptionIdentifiersAvailable = p.SubscriptionIdentifierAvailable ?? true;
        _sharedAvailable = p.SharedSubscriptionAvailable ?? true;
        _outboundAliases.Reset(_options.AutomaticTopicAliases ? p.TopicAliasMaximum ?? 0 : (ushort)0);
        if (p.ServerKeepAlive is ushort serverKeepAlive)
        {
            // [MQTT-3.2.2-21]: the server's keep alive replaces ours.
            _keepAliveTicks = ToTicks(TimeSpan.FromSeconds(serverKeepAlive));
        }

        if (p.AssignedClientIdentifier is MqttString assigned)
        {
            ClientId = assigned.ToString();
        }

        State = SessionState.Connected;
        ResumeSession(packet.SessionPresent);
        var connected = new SessionEvent(SessionEventKind.Connected, Detail: new ConnectedInfo(
            packet.SessionPresent,
            p.AssignedClientIdentifier?.ToString(),
            TimeSpan.FromSeconds(_keepAliveTicks / (double)_time.TimestampFrequency),
            _serverReceiveMaximum,
            _maximumQos,
            _retainAvailable,
            _serverMaximumPacketSize,
            p.TopicAliasMaximum ?? 0,
            _wildcardAvailable,
            _subscriptionIdentifiersAvailable,
            _sharedAvailable,
            p.ResponseInformation?.ToString(),
            p.ServerReference?.ToString(),
            p.ReasonString?.ToString(),
            p.SessionExpiryInterval));
        if (!Resubscribe(packet.SessionPresent, connected))
        {
            _events.Enqueue(connected);
        }

        DrainControl();
        DrainPending();
    }

    /// <summary>5.0 enhanced authentication (§4.12): answer each challenge through the authenticator.</summary>
    private void OnAuth(in AuthPacket packet)
    {
        IMqttAuthenticator? auth = _options.Authenticator;
        if (State != SessionState.Connecting || auth is null || packet.ReasonCode != MqttReasonCode.ContinueAuthentication)
        {
            // Re-authentication (0x19, or AUTH after CONNACK) is not started by this client.
            Violation(MqttReasonCode.ProtocolError, $"unexpected AUTH 0x{(byte)packet.ReasonCode:X2}");
            return;
        }

        if (packet.Properties.AuthenticationMethod?.ToString() != auth.Method)
        {
            // [MQTT-4.12.0-5]: the method must stay the one CONNECT named.
            Violation(MqttReasonCode.ProtocolError, "AUTH names a different authentication method");
            return;
        }

        byte[] challenge = packet.Properties.AuthenticationData?.ToArray() ?? [];
        ReadOnlyMemory<byte> response;
        try
        {
            response = auth.OnChallenge(challenge);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The authenticator rejected the server's challenge: give up this connection, reported
            // like a refusal, instead of throwing into the driver's read loop.
            Close(CloseReason.ConnectionRefused, MqttReasonCode.NotAuthorized, $"the authenticator rejected the server's challenge: {ex.Message}");
            return;
        }

        _transmit.Enqueue(Outgoing.Control(new AuthPacket(MqttReasonCode.ContinueAuthentication, new AuthProperties
        {
            AuthenticationMethod = auth.Method,
            AuthenticationData = new MqttBinary(response),
        })));
    }

    /// <summary>
    /// A 3.1.1 refusal (3.1.1 §3.2.2.3 Table 3.1), reported with the 5.0 code of the same meaning
    /// (5.0 Table 3-1) so that every refusal reads ≥ 0x80, and with the return code itself.
    /// </summary>
    private void Refused311(ConnectReturnCode returnCode)
    {
        MqttReasonCode code = returnCode switch
        {
            ConnectReturnCode.UnacceptableProtocolVersion => MqttReasonCode.UnsupportedProtocolVersion,
            ConnectReturnCode.IdentifierRejected => MqttReasonCode.ClientIdentifierNotValid,
            ConnectReturnCode.ServerUnavailable => MqttReasonCode.ServerUnavailable,
            ConnectReturnCode.BadUserNameOrPassword => MqttReasonCode.BadUserNameOrPassword,
            ConnectReturnCode.NotAuthorized => MqttReasonCode.NotAuthorized,
            _ => MqttReasonCode.UnspecifiedError,
        };
        Close(new CloseInfo(CloseReason.ConnectionRefused, code,
            $"the server refused the connection: return code {(byte)returnCode} {returnCode}", ReturnCode: returnCode));
    }

    private void OnServerDisconnect(in DisconnectPacket packet)
    {
        DisconnectProperties p = packet.Properties;
        if (p.SessionExpiryInterval is not null)
        {
            // [MQTT-3.14.2-2]: the server never sends a Session Expiry Interval in DISCONNECT. It is
            // closing anyway, so nothing is sent back; what it said is still reported.
            Close(CloseReason.ProtocolViolation, MqttReasonCode.ProtocolError,
                $"the server's DISCONNECT 0x{(byte)packet.ReasonCode:X2} carries a Session Expiry Interval",
                p.ReasonString?.ToString(), p.ServerReference?.ToString());
            return;
        }

        Close(CloseReason.ServerDisconnect, packet.ReasonCode,
            $"the server disconnected: 0x{(byte)packet.ReasonCode:X2} {packet.ReasonCode}",
            p.ReasonString?.ToString(), p.ServerReference?.ToString());
    }

    private void ResetServerLimits()
    {
        _serverReceiveMaximum = ushort.MaxValue;
        _maximumQos = MqttQos.ExactlyOnce;
        _retainAvailable = true;
        _serverMaximumPacketSize = PacketScanner.ProtocolMaximumPacketSize;
        _wildcardAvailable = _subscriptionIdentifiersAvailable = _sharedAvailable = true;
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
