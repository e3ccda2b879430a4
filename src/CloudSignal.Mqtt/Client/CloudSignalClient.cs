using System.Threading.Channels;
using CloudSignal.Mqtt.Client;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Transport;

namespace CloudSignal.Mqtt;

/// <summary>
/// The CloudSignal MQTT client: connect by URL, publish, subscribe, receive through
/// <see cref="Messages"/> or a callback, reconnect automatically.
/// </summary>
/// <remarks>
/// One lock guards the session state machine; socket reads, writes and timers run on their own
/// loops and never hold it while awaiting, and no callback runs under it.
/// </remarks>
public sealed partial class CloudSignalClient : IAsyncDisposable, IEventBatchOwner
{
    private readonly CloudSignalOptions _options;
    private readonly object _gate = new();
    private readonly Channel<MqttMessage> _messages;
    private readonly Dictionary<long, PublishCompletion> _publishes = [];
    private readonly PublishCompletionPool _completions = new();
    private readonly Dictionary<long, TaskCompletionSource<SubscribeResult>> _requests = [];
    private MqttSession? _session;
    private MqttUrl? _url;
    private bool _messagesRequested;
    private bool _disposed;

    private Action<MqttMessage>? _onMessage;
    private Action? _onOnline;
    private Action? _onOffline;
    private Action<MqttConnectException>? _onAuthError;
    private Action<int>? _onReconnecting;
    private Action<MqttException>? _onError;

    /// <summary>Completed when publishes waiting for room in a full offline queue may try again.</summary>
    private TaskCompletionSource? _queueRoom;

    /// <summary>Creates a client; nothing connects until <see cref="ConnectAsync"/>.</summary>
    public CloudSignalClient(CloudSignalOptions? options = null)
    {
        _options = options ?? new CloudSignalOptions();
        _messages = Channel.CreateBounded<MqttMessage>(new BoundedChannelOptions(Math.Max(1, _options.MessageBufferCapacity))
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>
    /// Every received application message, in order, from the first connect on. Once this property
    /// has been read, a full buffer (<see cref="CloudSignalOptions.MessageBufferCapacity"/>) stops
    /// the client reading from the socket until the application catches up (nothing is dropped).
    /// Until it is first read, the buffer keeps the newest messages and drops the oldest when full,
    /// so a client that only uses <see cref="SetMessageCallback"/> is never stalled by it.
    /// </summary>
    /// <remarks>
    /// Collecting before the first read is what lets the API.md usage work: it subscribes and
    /// publishes first and only then enumerates <c>Messages.ReadAllAsync</c>, by which time its own
    /// message (or a retained one) may already have arrived.
    /// </remarks>
    public ChannelReader<MqttMessage> Messages
    {
        get
        {
            Volatile.Write(ref _messagesRequested, true);
            return _messages.Reader;
        }
    }

    /// <summary>True while a connection is established (CONNACK accepted and not yet lost).</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _session?.State == SessionState.Connected;
            }
        }
    }

    /// <summary>Called for every received message (after it is queued to <see cref="Messages"/>, if used).</summary>
    public void SetMessageCallback(Action<MqttMessage> callback) => _onMessage = callback;

    /// <summary>Called after every successful connect and reconnect.</summary>
    public void SetOnlineCallback(Action callback) => _onOnline = callback;

    /// <summary>
    /// The allocation-free way to receive: <paramref name="callback"/> gets every received message
    /// as a borrowed <see cref="MqttMessageView"/>, on the client's receive loop, in order.
    /// Lifetime rule: the view's topic and payload are valid only until the callback returns
    /// (the receive buffer is reused after it), so copy what you keep (<see cref="MqttMessageView.ToMessage"/>).
    /// The socket is not read while the callback runs: keep it short, and do not block on the
    /// client from it (starting a publish is fine; awaiting its completion inside the callback is not).
    /// With a view callback set, messages are copied for <see cref="Messages"/> and
    /// <see cref="SetMessageCallback"/> only once <see cref="Messages"/> has been read or a message
    /// callback is set, so a view-only client allocates nothing per message.
    /// </summary>
    public void SetMessageViewCallback(MqttMessageViewCallback callback) => _onMessageView = callback;

    /// <summary>Called when an established connection closes, expectedly or not.</summary>
    public void SetOfflineCallback(Action callback) => _onOffline = callback;

    /// <summary>Called when the broker refuses the credentials; no reconnect follows.</summary>
    public void SetAuthErrorCallback(Action<MqttConnectException> callback) => _onAuthError = callback;

    /// <summary>Called before each reconnect attempt, with the attempt number from 1.</summary>
    public void SetReconnectingCallback(Action<int> callback) => _onReconnecting = callback;

    /// <summary>
    /// Called when an established connection ends without <see cref="DisconnectAsync"/>, after the
    /// offline callback, with why: <see cref="MqttProtocolException"/> when the broker broke the
    /// protocol (its <see cref="MqttProtocolException.ReasonCode"/> is the code we closed with, e.g.
    /// 0x81 for a malformed packet), otherwise <see cref="MqttConnectionLostException"/> (server
    /// DISCONNECT, keep alive timeout, transport failure).
    /// </summary>
    public void SetErrorCallback(Action<MqttException> callback) => _onError = callback;

    /// <summary>
    /// Connects and completes when the broker accepts (CONNACK). Throws <see cref="ArgumentException"/>
    /// for a bad URL or username before any network I/O, <see cref="MqttConnectException"/> on refusal,
    /// <see cref="TimeoutException"/> after <see cref="CloudSignalOptions.ConnectTimeout"/>.
    /// </summary>
    public async Task ConnectAsync(ConnectParameters parameters, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        MqttUrl url = ConnectValidation.Validate(parameters, _options);
        lock (_gate)
        {
            if (_session is { State: not SessionState.Disconnected })
            {
                throw new InvalidOperationException("The client is already connected or connecting.");
            }

            _url = url;
            _parameters = parameters;
            _stopReconnecting = false;
            if (_reconnectCancel.IsCancellationRequested)
            {
                _reconnectCancel.Dispose();
                _reconnectCancel = new CancellationTokenSource();
            }
            _session ??= CreateSession(parameters);
        }

        await ConnectOnceAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes a message. Completes at QoS 0 when written, at QoS 1 on PUBACK, at QoS 2 on
    /// PUBCOMP. While the client is not connected (reconnecting, or after <see cref="DisconnectAsync"/>)
    /// the message is queued and sent, in order, on the next connection; the queue holds
    /// <see cref="CloudSignalOptions.OfflineQueueCapacity"/> publishes, and when it is full
    /// <see cref="CloudSignalOptions.OfflineQueueFullMode"/> decides: <see cref="MqttQueueFullException"/>
    /// or waiting for room. Throws <see cref="InvalidOperationException"/> before the first
    /// <see cref="ConnectAsync"/>. Cancelling <paramref name="cancellationToken"/> abandons the wait,
    /// not the publish.
    /// </summary>
    public Task<PublishResult> PublishAsync(
        string topic,
        ReadOnlyMemory<byte> payload,
        MqttQos qos = MqttQos.AtMostOnce,
        bool retain = false,
        PublishProperties? properties = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return PublishCoreAsync(topic, payload, qos, retain, properties, cancellationToken).AsTask();
    }

    /// <summary>
    /// The hot-path publish: the same contract as
    /// <see cref="PublishAsync(string, ReadOnlyMemory{byte}, MqttQos, bool, PublishProperties?, CancellationToken)"/>,
    /// but allocation-free in steady state (a pooled <see cref="ValueTask{TResult}"/>, a topic
    /// checked once). Await each returned <see cref="ValueTask{TResult}"/> exactly once (or call
    /// <see cref="ValueTask{TResult}.AsTask"/> once); the payload is referenced, not copied, until
    /// the publish completes. A cancellable <paramref name="cancellationToken"/> costs an allocation
    /// and, when cancelled, abandons the wait, not the publish.
    /// </summary>
    public ValueTask<PublishResult> PublishAsync(
        MqttTopicName topic,
        ReadOnlyMemory<byte> payload,
        MqttQos qos = MqttQos.AtMostOnce,
        bool retain = false,
        CancellationToken cancellationToken = default)
    {
        if (topic.Name is null)
        {
            throw new ArgumentException("default(MqttTopicName) names no topic.", nameof(topic));
        }

        return PublishCoreAsync(topic.Name, payload, qos, retain, properties: null, cancellationToken);
    }

    private ValueTask<PublishResult> PublishCoreAsync(
        string topic,
        ReadOnlyMemory<byte> payload,
        MqttQos qos,
        bool retain,
        PublishProperties? properties,
        CancellationToken cancellationToken)
    {
        var message = new OutboundMessage(topic, payload, qos, retain, PropertyMapping.ToWire(properties));
        PublishCompletion completion = _completions.Rent();
        bool offline;
        bool drain;
        lock (_gate)
        {
            MqttSession session;
            Task? room;
            long token;
            try
            {
                session = RequireSession();
                offline = session.State != SessionState.Connected;
                room = offline ? OfflineQueueProblem(session, qos) : null;
                token = room is null ? session.Publish(message) : 0;
            }
            catch (MqttProtocolException ex)
            {
                _completions.Return(completion);
                throw new ArgumentException($"Invalid publish: {ex.Message}", nameof(topic), ex);
            }
            catch
            {
                _completions.Return(completion);
                throw;
            }

            if (room is not null)
            {
                _completions.Return(completion);
                return new ValueTask<PublishResult>(PublishWhenRoomAsync(room, topic, payload, qos, retain, properties, cancellationToken));
            }

            _publishes[token] = completion;

            // A publish moves no deadline; only a failure decided at once (e.g. too large for the
            // server) leaves an event. The common case just wakes the writer.
            drain = session.HasEvents;
        }

        if (offline && qos != MqttQos.AtMostOnce)
        {
            // Queued while offline: make it durable now, not only when a connection sends it.
            FlushStore();
        }

        if (drain)
        {
            AfterSessionCall();
        }
        else
        {
            _link?.Signal();
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return completion.Task;
        }

        // AsTask consumes (and so recycles) the completion whatever the caller does with the wait.
        // An already-cancelled token ends the wait at once, even if the publish completed first.
        Task<PublishResult> outcome = completion.Task.AsTask();
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<PublishResult>(cancellationToken)
            : new ValueTask<PublishResult>(outcome.WaitAsync(cancellationToken));
    }

    /// <summary>
    /// Under <c>_gate</c>, offline: null when the publish may be queued; a task to await for room
    /// (<see cref="OfflineQueueFullMode.Wait"/>); otherwise throws.
    /// </summary>
    private Task? OfflineQueueProblem(MqttSession session, MqttQos qos)
    {
        if (qos == MqttQos.AtMostOnce && !_options.QueueQos0WhileOffline)
        {
            throw new MqttException("Not connected, and QoS 0 publishes are not queued while offline (CloudSignalOptions.QueueQos0WhileOffline).");
        }

        if (session.PendingCount < _options.OfflineQueueCapacity)
        {
            return null;
        }

        if (_options.OfflineQueueFullMode == OfflineQueueFullMode.Fail)
        {
            throw new MqttQueueFullException($"Not connected, and the offline queue already holds {session.PendingCount} publishes (CloudSignalOptions.OfflineQueueCapacity); the message was not queued.");
        }

        return (_queueRoom ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
    }

    private async Task<PublishResult> PublishWhenRoomAsync(Task room, string topic, ReadOnlyMemory<byte> payload, MqttQos qos, bool retain, PublishProperties? properties, CancellationToken cancellationToken)
    {
        await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await PublishCoreAsync(topic, payload, qos, retain, properties, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Wakes publishes waiting for room in the offline queue (connected again, or disposed).</summary>
    private void ReleaseQueueWaiters()
    {
        TaskCompletionSource? room;
        lock (_gate)
        {
            room = _queueRoom;
            _queueRoom = null;
        }

        room?.TrySetResult();
    }

    /// <summary>Makes the session store's changes durable; a failure is retried by the next flush.</summary>
    private void FlushStore()
    {
        try
        {
            _options.SessionStore?.Flush();
        }
        catch (IOException)
        {
            // The records stay buffered in the store and are written by the next flush.
        }
    }

    /// <summary>Subscribes to one topic filter at a maximum QoS.</summary>
    public Task<SubscribeResult> SubscribeAsync(string topicFilter, MqttQos qos = MqttQos.AtMostOnce, CancellationToken cancellationToken = default) =>
        SubscribeAsync([(topicFilter, new SubscriptionOptions { Qos = qos })], cancellationToken);

    /// <summary>Subscribes to one topic filter with MQTT 5.0 subscription options.</summary>
    public Task<SubscribeResult> SubscribeAsync(string topicFilter, SubscriptionOptions options, CancellationToken cancellationToken = default) =>
        SubscribeAsync([(topicFilter, options)], cancellationToken);

    /// <summary>Subscribes to several topic filters in one SUBSCRIBE.</summary>
    public Task<SubscribeResult> SubscribeAsync(IEnumerable<(string TopicFilter, SubscriptionOptions Options)> subscriptions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        var list = subscriptions.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one topic filter is needed.", nameof(subscriptions));
        }

        int?[] ids = list.Select(s => s.Options.SubscriptionIdentifier).Where(id => id is not null).Distinct().ToArray();
        if (ids.Length > 1)
        {
            throw new ArgumentException("One SUBSCRIBE carries at most one Subscription Identifier.", nameof(subscriptions));
        }

        var packet = new SubscribePacket
        {
            Subscriptions = list.Select(s => new Subscription(s.TopicFilter, new SubscriptionOptionFlags
            {
                MaximumQos = s.Options.Qos,
                NoLocal = s.Options.NoLocal,
                RetainAsPublished = s.Options.RetainAsPublished,
                RetainHandling = (RetainHandling)s.Options.RetainHandling,
            })).ToArray(),
            Properties = new SubscribeProperties { SubscriptionIdentifier = ids.Length == 1 ? (uint?)ids[0] : null },
        };
        return Request(session => session.Subscribe(packet), nameof(subscriptions), cancellationToken);
    }

    /// <summary>Unsubscribes from a topic filter; completes on UNSUBACK.</summary>
    public Task UnsubscribeAsync(string topicFilter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(topicFilter);
        var packet = new UnsubscribePacket { TopicFilters = new MqttString[] { topicFilter } };
        return Request(session => session.Unsubscribe(packet), nameof(topicFilter), cancellationToken);
    }

    private Task<SubscribeResult> Request(Func<MqttSession, long> send, string parameter, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<SubscribeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            MqttSession session = RequireSession();
            try
            {
                _requests[send(session)] = completion;
            }
            catch (MqttProtocolException ex)
            {
                throw new ArgumentException($"Invalid topic filter: {ex.Message}", parameter, ex);
            }
        }

        AfterSessionCall();
        return completion.Task.WaitAsync(cancellationToken);
    }

    private MqttSession RequireSession()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _session ?? throw new InvalidOperationException("Call ConnectAsync first.");
    }

    private MqttSession CreateSession(ConnectParameters parameters)
    {
        WillMessage? will = _options.Will;
        bool v5 = _options.ProtocolVersion == MqttProtocolVersion.V500;
        var session = new MqttSession(
            new SessionOptions
            {
                ProtocolVersion = _options.ProtocolVersion,
                ClientId = parameters.ClientId ?? string.Empty,
                CleanStart = _options.CleanSession,
                KeepAlive = _options.KeepAlive,
                PingResponseTimeout = _options.PingResponseTimeout,
                ConnectTimeout = _options.ConnectTimeout,
                UserName = parameters.Username,
                // default(ReadOnlyMemory<byte>?) on purpose: a bare null converts through
                // ReadOnlyMemory's implicit operator from byte[] to an empty but PRESENT password,
                // sent as a zero-length Password field (3.1.1 refuses that without a user name,
                // [MQTT-3.1.2-22]).
                Password = parameters.Password is { } password ? System.Text.Encoding.UTF8.GetBytes(password) : default(ReadOnlyMemory<byte>?),
                Will = will is null ? null : new ConnectWill
                {
                    Topic = will.Topic,
                    Payload = will.Payload,
                    Qos = will.Qos,
                    Retain = will.Retain,
                    Properties = v5 ? PropertyMapping.ToWillWire(will) : default,
                },
                SessionExpiryInterval = (uint)Math.Min(uint.MaxValue, _options.SessionExpiryInterval.TotalSeconds),
                ReceiveMaximum = _options.ReceiveMaximum,
                MaximumPacketSize = _options.MaximumPacketSize,
                TopicAliasMaximum = _options.TopicAliasMaximum,
                AutomaticTopicAliases = _options.AutomaticTopicAliases,
                EnforceReceiveMaximum = _options.EnforceReceiveMaximum,
            },
            _options.TimeProvider);
        session.MessageHandler = new MessageCollector(this);
        if (_options.SessionStore is { } store)
        {
            // Restores what an earlier client (or process) left unacknowledged; the next CONNACK decides how it is resent.
            session.AttachStore(store);
        }

        return session;
    }
}
