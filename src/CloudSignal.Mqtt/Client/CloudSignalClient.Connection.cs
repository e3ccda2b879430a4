using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
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
    /// <summary>Bytes per write batch (one flush each): bounds the pipe's buffers under a window of large publishes.</summary>
    private const int WriteBatchBytes = 64 * 1024;

    private readonly List<MqttMessage> _inbox = [];

    /// <summary>Idle event batches, so draining the session's events allocates nothing in steady state.</summary>
    private readonly Stack<EventBatch> _eventBatches = new();

    /// <summary>The completion batch queued to the pool and not yet started (see <see cref="TryJoinQueuedCompletions"/>).</summary>
    private EventBatch? _queuedCompletions;

    /// <summary>The deadline the timer is armed for (<see cref="long.MaxValue"/>: none), see <see cref="ArmTimer"/>.</summary>
    private long _armedDeadline = long.MaxValue;
    private readonly SemaphoreSlim _delivery = new(1, 1);
    private ConnectParameters? _parameters;
    private Link? _link;
    private ITimer? _timer;
    private TaskCompletionSource? _connectWaiter;
    private TaskCompletionSource? _closedWaiter;
    private CancellationTokenSource _reconnectCancel = new();
    private bool _stopReconnecting;
    private bool _online;


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
        bool busy;
        lock (_gate)
        {
            _timer ??= _options.TimeProvider.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            // DisconnectAsync came while the transport was opening: it found the session
            // Disconnected and had nothing to close, so this attempt must not go on to CONNECT.
            stopped = _stopReconnecting;
            busy = _session!.State != SessionState.Disconnected;
            try
            {
                if (!stopped && !busy)
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

        if (stopped || busy || invalid is not null)
        {
            // Close the transport just opened instead of leaking it with no loop to read it.
            await TearDownAsync(link).ConfigureAwait(false);
            if (busy && !stopped)
            {
                throw new InvalidOperationException("The client connected by another call meanwhile.");
            }

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
                EventBatch? events;
                MqttMessage[]? inbox = null;
                bool answer;
                bool closed;
                lock (_gate)
                {
                    if (_link != link)
                    {
                        return;
                    }

                    _receiving = link.Received;
                    _session!.HandleReceived(ref buffer);
                    _receiving = null;
                    if (_inbox.Count > 0)
                    {
                        inbox = [.. _inbox];
                        _inbox.Clear();
                    }

                    events = DrainEvents();
                    answer = _session.HasTransmit;
                    closed = _session.State == SessionState.Disconnected;
                }

                // Events first: they come before whatever writing the answers produces (a CONNACK's
                // Connected before the Closed of a DISCONNECT we answer a malformed packet with), and
                // a close (or a completion) must not wait behind an application slow to read Messages.
                Dispatch(events);

                // Then the acknowledgements (on this thread when the socket takes them at once: no
                // hop to the write loop per round trip), then the borrowed views, which need the
                // buffer until AdvanceTo.
                if (answer)
                {
                    WriteNowOrSignal(link);
                }

                if (link.Received.Count > 0)
                {
                    DeliverViews(link.Received);
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (inbox is not null)
                {
                    await DeliverAsync(inbox).ConfigureAwait(false);
                }

                if (closed || result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
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

        // Drained but not yet dispatched: a flush cut short by the teardown (e.g. the read loop
        // closing the link right after our DISCONNECT) must not swallow the Closed event with it.
        EventBatch? events = null;
        try
        {
            // No token: a cancellable wait allocates a waiter each time; TearDownAsync completes the channel instead.
            while (await signals.WaitToReadAsync().ConfigureAwait(false))
            {
                signals.TryRead(out _);
                if (!link.TryTakeWriter())
                {
                    // The read loop is writing; it signals again when it lets go with work left.
                    continue;
                }

                int written = TakeBatch(link, output, out events);
                if (written < 0)
                {
                    return;
                }

                if (written > 0)
                {
                    FlushStoreBeforeSend();
                    FlushResult flushed = await output.FlushAsync(link.Cancel.Token).ConfigureAwait(false);
                    if (flushed.IsCompleted)
                    {
                        return;
                    }
                }

                // A full batch may have left more queued: go round again.
                link.ReleaseWriter(moreQueued: written >= WriteBatchBytes);
                EventBatch? ready = events;
                events = null;
                Dispatch(ready);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            // The transport failed; handled as a lost connection below.
        }
        finally
        {
            Dispatch(events);
            OnTransportEnded(link);
        }
    }

    /// <summary>
    /// Writes what the session has queued on the calling thread (the read loop: the acknowledgements
    /// of what it just read) when no one else is writing and the socket takes it without waiting;
    /// otherwise leaves it to the write loop. The read loop never waits for a write: a flush that
    /// does not complete at once is finished in the background, holding the writer role until then.
    /// </summary>
    private void WriteNowOrSignal(Link link)
    {
        if (!link.TryTakeWriter())
        {
            link.Signal();
            return;
        }

        PipeWriter output = link.Transport.Output;
        int written = TakeBatch(link, output, out EventBatch? events);
        if (written < 0)
        {
            link.ReleaseWriter(moreQueued: false);
            return;
        }

        if (written > 0)
        {
            ValueTask<FlushResult> flush;
            try
            {
                FlushStoreBeforeSend();
                flush = output.FlushAsync(link.Cancel.Token);
            }
            catch (Exception ex) when (IsTransportFailure(ex))
            {
                // Left to the loops: the read loop finds the transport broken on its next read.
                link.ReleaseWriter(moreQueued: false);
                Dispatch(events);
                _ = TearDownAsync(link);
                return;
            }

            if (!flush.IsCompletedSuccessfully)
            {
                // Not awaited (the read loop must not wait for the socket); it owns its own failures.
#pragma warning disable CA2012 // pooled ValueTask, consumed by nobody on purpose
                _ = FinishFlushAsync(link, flush, events, written >= WriteBatchBytes);
#pragma warning restore CA2012
                return;
            }

            if (flush.Result.IsCompleted)
            {
                link.ReleaseWriter(moreQueued: false);
                Dispatch(events);
                _ = TearDownAsync(link);
                return;
            }
        }

        link.ReleaseWriter(moreQueued: written >= WriteBatchBytes);
        Dispatch(events);
    }

    /// <summary>
    /// For the holder of the writer role: encodes the next batch into <paramref name="output"/> and
    /// drains the events it produced. Returns the bytes written, or -1 when the link was replaced.
    /// Before flushing a batch, the caller calls <see cref="FlushStoreBeforeSend"/>.
    /// </summary>
    private int TakeBatch(Link link, PipeWriter output, out EventBatch? events)
    {
        int written;
        lock (_gate)
        {
            if (_link != link)
            {
                events = null;
                return -1;
            }

            written = _session!.PollTransmit(output, WriteBatchBytes);
            events = DrainEvents();
        }

        return written;
    }

    /// <summary>
    /// Durable before it is on the wire: what a batch depends on (an accepted publish, an inbound
    /// QoS 2 identifier before its PUBREC) is in the session store first.
    /// </summary>
    private void FlushStoreBeforeSend() => _options.SessionStore?.Flush();

    /// <summary>The slow path of <see cref="WriteNowOrSignal"/>: the socket was full; wait for it off the read loop.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FinishFlushAsync(Link link, ValueTask<FlushResult> flush, EventBatch? events, bool moreQueued)
    {
        bool ended = false;
        try
        {
            ended = (await flush.ConfigureAwait(false)).IsCompleted;
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            ended = true;
        }

        link.ReleaseWriter(moreQueued && !ended);
        Dispatch(events);
        if (ended)
        {
            await TearDownAsync(link).ConfigureAwait(false);
        }
    }

    private static bool IsTransportFailure(Exception ex) =>
        ex is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException or System.Net.WebSockets.WebSocketException or InvalidOperationException;

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_session is null || _disposed)
            {
                return;
            }

            _armedDeadline = long.MaxValue; // it fired: the next drain arms it again
            _session.HandleTimeout();
        }

        AfterSessionCall();
    }

    /// <summary>After a command or timer: wake the writer, re-arm the timer, hand out events.</summary>
    private void AfterSessionCall()
    {
        EventBatch? events;
        lock (_gate)
        {
            events = DrainEvents();
        }

        _link?.Signal();
        Dispatch(events);
    }

    private void OnTransportEnded(Link link)
    {
        EventBatch? events = null;
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

    /// <summary>
    /// Under <c>_gate</c>: takes the session's events (publish completions already matched to their
    /// awaiters) and re-arms the timer when its deadline moved earlier.
    /// </summary>
    private EventBatch? DrainEvents()
    {
        EventBatch? batch = null;
        if (_session is null)
        {
            return null;
        }

        while (_session.TryPollEvent(out SessionEvent e))
        {
            batch ??= RentEventBatch();
            if (e.Kind == SessionEventKind.PublishCompleted)
            {
                if (_publishes.Remove(e.Token, out PublishCompletion? publish))
                {
                    batch.Completions.Add((publish, PublishResult.For(e.ReasonCode, e.ReasonString)));
                }
            }
            else
            {
                batch.Events.Add(e);
            }
        }

        ArmTimer();
        return batch;
    }

    /// <summary>
    /// Under <c>_gate</c>. Lazy: a deadline later than the armed one leaves the timer as it is
    /// (every packet sent moves the keep-alive deadline; re-arming each time is a timer-queue lock
    /// per packet). An early firing finds nothing due and re-arms at the real deadline.
    /// </summary>
    private void ArmTimer()
    {
        if (_timer is null)
        {
            return;
        }

        long? deadline = _session!.PollTimeout();
        if (deadline is not long d)
        {
            if (_armedDeadline != long.MaxValue)
            {
                _armedDeadline = long.MaxValue;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            return;
        }

        if (d < _armedDeadline)
        {
            long now = _options.TimeProvider.GetTimestamp();
            _armedDeadline = d;
            _timer.Change(_options.TimeProvider.GetElapsedTime(now, Math.Max(d, now)), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Under <c>_gate</c>: an empty batch from the pool (batches come back after dispatch).</summary>
    private EventBatch RentEventBatch() => _eventBatches.TryPop(out EventBatch? batch) ? batch : new EventBatch(this);

    void IEventBatchOwner.Return(EventBatch batch)
    {
        lock (_gate)
        {
            // A handful are in use at once (read loop, write loop, callers, pool); more is a burst.
            if (_eventBatches.Count < 64)
            {
                _eventBatches.Push(batch);
            }
        }
    }

    private static async Task TearDownAsync(Link link)
    {
        if (Interlocked.Exchange(ref link.Closed, 1) != 0)
        {
            return;
        }

        link.WriteSignal.Writer.TryComplete();
        await link.Cancel.CancelAsync().ConfigureAwait(false);
        try
        {
            await link.Transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            // Already broken.
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

        /// <summary>Messages of the current read, borrowed from its buffer (read loop only).</summary>
        public List<BorrowedMessage> Received { get; } = [];

        public Task? ReadLoop { get; set; }

        public Task? WriteLoop { get; set; }

        public int Closed;

        // 1 while someone (the write loop, or the read loop writing acknowledgements) owns the
        // PipeWriter; only the owner may call PollTransmit into it or flush it.
        private int _writing;

        // 1 when packets may be queued that no writer has taken yet.
        private int _pending;

        /// <summary>Asks the write loop to send what is queued.</summary>
        public void Signal()
        {
            Volatile.Write(ref _pending, 1);
            WriteSignal.Writer.TryWrite(true);
        }

        /// <summary>Takes the writer role if free; the taker then sends everything queued so far.</summary>
        public bool TryTakeWriter()
        {
            if (Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
            {
                return false;
            }

            Volatile.Write(ref _pending, 0);
            return true;
        }

        /// <summary>
        /// Lets go of the writer role. Work queued meanwhile (someone found the role taken and
        /// signalled) or left over goes to the write loop, so no packet waits for a later signal.
        /// </summary>
        public void ReleaseWriter(bool moreQueued)
        {
            Volatile.Write(ref _writing, 0);
            if (moreQueued || Volatile.Read(ref _pending) != 0)
            {
                Signal();
            }
        }
    }
}
