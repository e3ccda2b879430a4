using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using CloudSignal.Mqtt.Client;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Transport;

namespace CloudSignal.Mqtt;

/// <summary>
/// The connection driver: the one place that owns real I/O and real time. One read loop
/// (pipe → decoder → session), one write loop (session → pipe, one flush per batch), and a
/// timer at the session's next deadline. Session calls happen under <c>_gate</c>; awaits and
/// callbacks happen outside it.
/// </summary>
public sealed partial class CloudSignalClient
{
    private readonly List<MqttMessage> _inbox = [];
    private readonly SemaphoreSlim _delivery = new(1, 1);
    private ConnectParameters? _parameters;
    private Link? _link;
    private ITimer? _timer;
    private TaskCompletionSource? _connectWaiter;
    private TaskCompletionSource? _closedWaiter;
    private CancellationTokenSource _reconnectCancel = new();
    private bool _stopReconnecting;
    private bool _online;

    /// <summary>Closes the connection cleanly (DISCONNECT, so no will is published); no reconnect follows.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Link? link;
        CancellationTokenSource stop;
        bool connected;
        lock (_gate)
        {
            // A ConnectOnceAsync still opening its transport sees this flag under the lock and gives up.
            _stopReconnecting = true;
            stop = _reconnectCancel;
            link = _link;
            connected = _session is not null && _session.State != SessionState.Disconnected;
            if (connected)
            {
                _closedWaiter = closed;
                _session!.Disconnect();
            }
        }

        // Cancelled outside the lock: it wakes the reconnect loop's delay and a ConnectOnceAsync
        // awaiting CONNACK, whose continuations may run inline and invoke callbacks.
        try
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // Replaced by a later ConnectAsync or disposed: nothing of it left to stop.
        }

        if (!connected)
        {
            return;
        }

        AfterSessionCall();
        try
        {
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(5), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The DISCONNECT could not be written; drop the connection anyway.
        }
        finally
        {
            if (link is not null)
            {
                await TearDownAsync(link).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Disconnects if connected, stops reconnecting and completes <see cref="Messages"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            await DisconnectAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Disposal is best effort on a broken connection.
        }

        List<TaskCompletionSource<PublishResult>> publishes;
        List<TaskCompletionSource<SubscribeResult>> requests;
        lock (_gate)
        {
            _disposed = true;
            publishes = [.. _publishes.Values];
            requests = [.. _requests.Values];
            _publishes.Clear();
            _requests.Clear();
        }

        _timer?.Dispose();
        _reconnectCancel.Dispose();
        _messages.Writer.TryComplete();
        foreach (var p in publishes)
        {
            p.TrySetException(new ObjectDisposedException(nameof(CloudSignalClient)));
        }

        foreach (var r in requests)
        {
            r.TrySetException(new ObjectDisposedException(nameof(CloudSignalClient)));
        }
    }

    /// <summary>
    /// Test hook: drops the transport without DISCONNECT, as a network failure would (the broker
    /// then publishes the will; auto-reconnect follows if enabled).
    /// </summary>
    internal async Task AbortConnectionAsync()
    {
        Link? link;
        lock (_gate)
        {
            link = _link;
        }

        if (link is not null)
        {
            await TearDownAsync(link).ConfigureAwait(false);
        }
    }

    private async Task ConnectOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _options.TimeProvider);
        CancellationToken stop;
        lock (_gate)
        {
            stop = _reconnectCancel.Token;
        }

        // DisconnectAsync cancels `stop`: it ends this attempt at any stage, not only the reconnect loop.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, stop);
        IMqttTransport transport;
        try
        {
            transport = await MqttTransport.ConnectAsync(_url!, _options.Tls, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Could not reach {_url!.Host}:{_url.Port} within {_options.ConnectTimeout}.");
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var link = new Link(transport);
        MqttProtocolException? invalid = null;
        bool stopped;
        lock (_gate)
        {
            _timer ??= _options.TimeProvider.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            // DisconnectAsync came while the transport was opening: it found the session
            // Disconnected and had nothing to close, so this attempt must not go on to CONNECT.
            stopped = _stopReconnecting;
            try
            {
                if (!stopped)
                {
                    // Validates the CONNECT (e.g. a 3.1.1 password without a user name); on failure
                    // the session stays Disconnected and nothing was sent.
                    _session!.Connect();
                    _connectWaiter = waiter;
                    _link = link;
                }
            }
            catch (MqttProtocolException ex)
            {
                invalid = ex;
            }
        }

        if (stopped || invalid is not null)
        {
            // Close the transport just opened instead of leaking it with no loop to read it.
            await TearDownAsync(link).ConfigureAwait(false);
            throw invalid is null
                ? new OperationCanceledException("DisconnectAsync was called while connecting.", stop)
                : new ArgumentException($"Invalid connect options: {invalid.Message}", "parameters", invalid);
        }

        link.ReadLoop = Task.Run(() => ReadLoopAsync(link), CancellationToken.None);
        link.WriteLoop = Task.Run(() => WriteLoopAsync(link), CancellationToken.None);
        AfterSessionCall();
        try
        {
            await waiter.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                if (_link == link)
                {
                    _session!.HandleConnectionLost();
                }
            }

            AfterSessionCall();
            await TearDownAsync(link).ConfigureAwait(false);
            if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No CONNACK from {_url!.Host}:{_url.Port} within {_options.ConnectTimeout}.");
            }

            throw;
        }
        catch (MqttConnectException ex)
        {
            await TearDownAsync(link).ConfigureAwait(false);
            if (ex.IsAuthenticationFailure)
            {
                _stopReconnecting = true;
                Invoke(_onAuthError, ex);
            }
            else if (stop.IsCancellationRequested)
            {
                // DisconnectAsync while awaiting CONNACK: the same outcome as in every other stage.
                throw new OperationCanceledException("DisconnectAsync was called while connecting.", ex, stop);
            }

            throw;
        }
    }

    private async Task ReadLoopAsync(Link link)
    {
        PipeReader input = link.Transport.Input;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(link.Cancel.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                List<SessionEvent>? events;
                MqttMessage[]? inbox = null;
                bool closed;
                lock (_gate)
                {
                    if (_link != link)
                    {
                        return;
                    }

                    _session!.HandleReceived(ref buffer);
                    if (_inbox.Count > 0)
                    {
                        inbox = [.. _inbox];
                        _inbox.Clear();
                    }

                    events = DrainEvents();
                    closed = _session.State == SessionState.Disconnected;
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                link.Signal();
                if (inbox is not null)
                {
                    await DeliverAsync(inbox).ConfigureAwait(false);
                }

                Dispatch(events);
                if (closed || result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException or InvalidOperationException)
        {
            // The transport failed; handled as a lost connection below.
        }
        finally
        {
            OnTransportEnded(link);
        }
    }

    private async Task WriteLoopAsync(Link link)
    {
        PipeWriter output = link.Transport.Output;
        ChannelReader<bool> signals = link.WriteSignal.Reader;
        try
        {
            while (await signals.WaitToReadAsync(link.Cancel.Token).ConfigureAwait(false))
            {
                signals.TryRead(out _);
                int written;
                List<SessionEvent>? events;
                lock (_gate)
                {
                    if (_link != link)
                    {
                        return;
                    }

                    written = _session!.PollTransmit(output);
                    events = DrainEvents();
                }

                if (written > 0)
                {
                    FlushResult flushed = await output.FlushAsync(link.Cancel.Token).ConfigureAwait(false);
                    if (flushed.IsCompleted)
                    {
                        return;
                    }
                }

                Dispatch(events);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException or InvalidOperationException)
        {
            // The transport failed; handled as a lost connection below.
        }
        finally
        {
            OnTransportEnded(link);
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_session is null || _disposed)
            {
                return;
            }

            _session.HandleTimeout();
        }

        AfterSessionCall();
    }

    /// <summary>After a command or timer: wake the writer, re-arm the timer, hand out events.</summary>
    private void AfterSessionCall()
    {
        List<SessionEvent>? events;
        lock (_gate)
        {
            events = DrainEvents();
        }

        _link?.Signal();
        Dispatch(events);
    }

    private void OnTransportEnded(Link link)
    {
        List<SessionEvent>? events = null;
        lock (_gate)
        {
            if (_link == link && _session is { State: not SessionState.Disconnected })
            {
                _session.HandleConnectionLost();
                events = DrainEvents();
            }
        }

        Dispatch(events);
        _ = TearDownAsync(link);
    }

    /// <summary>Under <c>_gate</c>: takes the session's events and re-arms the timer at its next deadline.</summary>
    private List<SessionEvent>? DrainEvents()
    {
        List<SessionEvent>? events = null;
        if (_session is null)
        {
            return null;
        }

        while (_session.TryPollEvent(out SessionEvent e))
        {
            (events ??= []).Add(e);
        }

        if (_timer is not null)
        {
            long? deadline = _session.PollTimeout();
            TimeSpan due = deadline is long d
                ? _options.TimeProvider.GetElapsedTime(_options.TimeProvider.GetTimestamp(), Math.Max(d, _options.TimeProvider.GetTimestamp()))
                : Timeout.InfiniteTimeSpan;
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }

        return events;
    }

    private void Dispatch(List<SessionEvent>? events)
    {
        if (events is null)
        {
            return;
        }

        foreach (SessionEvent e in events)
        {
            switch (e.Kind)
            {
                case SessionEventKind.PublishCompleted:
                    TaskCompletionSource<PublishResult>? publish;
                    lock (_gate)
                    {
                        _publishes.Remove(e.Token, out publish);
                    }

                    publish?.TrySetResult(new PublishResult(e.ReasonCode, e.ReasonString));
                    break;

                case SessionEventKind.SubscribeCompleted or SessionEventKind.UnsubscribeCompleted:
                    TaskCompletionSource<SubscribeResult>? request;
                    lock (_gate)
                    {
                        _requests.Remove(e.Token, out request);
                    }

                    request?.TrySetResult(new SubscribeResult((MqttReasonCode[])e.Detail!, e.ReasonString));
                    break;

                case SessionEventKind.Connected:
                    _online = true;
                    _connectWaiter?.TrySetResult();
                    Invoke(_onOnline);
                    break;

                case SessionEventKind.Closed:
                    OnClosed((CloseInfo)e.Detail!);
                    break;
            }
        }
    }

    private void OnClosed(CloseInfo info)
    {
        Link? link;
        lock (_gate)
        {
            link = _link;
            _link = null;
        }

        if (link is not null)
        {
            _ = TearDownAsync(link);
        }

        _closedWaiter?.TrySetResult();
        if (_connectWaiter is { Task.IsCompleted: false } waiter)
        {
            waiter.TrySetException(info.Reason switch
            {
                CloseReason.ConnectTimeout => new TimeoutException(info.Message),
                _ => new MqttConnectException(PublicReasonCode(info), Describe(info)) { IsAuthenticationFailure = IsAuthenticationRefusal(info) },
            });
            return;
        }

        if (!_online)
        {
            return;
        }

        _online = false;
        Invoke(_onOffline);
        if (info.Reason != CloseReason.LocalDisconnect && !_stopReconnecting && !_disposed && _options.ReconnectPeriod > TimeSpan.Zero)
        {
            _ = ReconnectLoopAsync();
        }
    }

    /// <summary>
    /// Reconnects after an unexpected loss: attempt n waits ReconnectPeriod, then connects within
    /// ConnectTimeout. Stops on success, on an authentication refusal, at MaxReconnectAttempts,
    /// or when DisconnectAsync/DisposeAsync is called.
    /// </summary>
    private async Task ReconnectLoopAsync()
    {
        CancellationToken stop = _reconnectCancel.Token;
        for (int attempt = 1; _options.MaxReconnectAttempts is not int max || attempt <= max; attempt++)
        {
            if (_stopReconnecting || _disposed)
            {
                return;
            }

            Invoke(_onReconnecting, attempt);
            try
            {
                await Task.Delay(_options.ReconnectPeriod, _options.TimeProvider, stop).ConfigureAwait(false);
                await ConnectOnceAsync(stop).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (MqttConnectException ex) when (ex.IsAuthenticationFailure)
            {
                return;
            }
            catch (Exception ex) when (ex is MqttException or TimeoutException or IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                // Try again after the next period.
            }
        }
    }

    /// <summary>
    /// Hands messages to <see cref="Messages"/> and the callback. Not cancelled with the connection:
    /// the session acknowledged them on receipt (PUBACK/PUBREC queued), so the broker will not send
    /// them again and dropping them here would lose them. DisposeAsync completes the channel, which
    /// ends a wait. One delivery at a time, so a read loop of a newer connection cannot overtake
    /// an older one still waiting for room (order, and the channel's single writer).
    /// </summary>
    private async Task DeliverAsync(MqttMessage[] messages)
    {
        await _delivery.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (MqttMessage message in messages)
            {
                if (Volatile.Read(ref _messagesRequested))
                {
                    // Back-pressure: when the application is behind, this waits and the socket is not read.
                    await _messages.Writer.WriteAsync(message).ConfigureAwait(false);
                }
                else
                {
                    // Nobody reads Messages yet (and may never): keep the newest, drop the oldest.
                    while (!_messages.Writer.TryWrite(message) && _messages.Reader.TryRead(out _))
                    {
                    }
                }

                Invoke(_onMessage, message);
            }
        }
        finally
        {
            _delivery.Release();
        }
    }

    private static async Task TearDownAsync(Link link)
    {
        if (Interlocked.Exchange(ref link.Closed, 1) != 0)
        {
            return;
        }

        await link.Cancel.CancelAsync().ConfigureAwait(false);
        try
        {
            await link.Transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException or InvalidOperationException or OperationCanceledException)
        {
            // Already broken.
        }
    }

    private static bool IsAuthenticationRefusal(CloseInfo info) =>
        info.Reason == CloseReason.ConnectionRefused &&
        (byte)info.ReasonCode is 0x04 or 0x05 or 0x86 or 0x87 or 0x8C;

    /// <summary>
    /// The code <see cref="MqttConnectException.ReasonCode"/> promises: the 3.1.1 Connect Return Code
    /// (1–5, §3.2.2.3) as sent for a 3.1.1 connection (the session maps it to the 5.0 equivalent in
    /// <see cref="CloseInfo.ReasonCode"/>), otherwise the 5.0 reason code.
    /// </summary>
    private MqttReasonCode PublicReasonCode(CloseInfo info) =>
        _options.ProtocolVersion == MqttProtocolVersion.V311 && info.ReturnCode is { } returnCode
            ? (MqttReasonCode)(byte)returnCode
            : info.ReasonCode;

    private static string Describe(CloseInfo info) =>
        info.ReasonString is null ? info.Message : $"{info.Message} ({info.ReasonString})";

    private static void Invoke(Action? callback)
    {
        try
        {
            callback?.Invoke();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A callback's failure is the application's; it must not break the connection.
        }
    }

    private static void Invoke<T>(Action<T>? callback, T argument)
    {
        try
        {
            callback?.Invoke(argument);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A callback's failure is the application's; it must not break the connection.
        }
    }

    /// <summary>One transport connection and its loops.</summary>
    private sealed class Link(IMqttTransport transport)
    {
        public IMqttTransport Transport { get; } = transport;

        public CancellationTokenSource Cancel { get; } = new();

        public Channel<bool> WriteSignal { get; } = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });

        public Task? ReadLoop { get; set; }

        public Task? WriteLoop { get; set; }

        public int Closed;

        public void Signal() => WriteSignal.Writer.TryWrite(true);
    }

    /// <summary>Copies each delivered message out of the receive buffer (the session calls this under <c>_gate</c>).</summary>
    private sealed class MessageCollector(CloudSignalClient client) : IInboundMessageHandler
    {
        public void OnMessage(in InboundMessage message) =>
            client._inbox.Add(new MqttMessage(
                message.Topic.ToString(),
                message.Payload.ToArray(),
                message.Qos,
                message.Retain,
                PropertyMapping.FromWire(message.Properties)));
    }
}
