using CloudSignal.Mqtt.Client;
using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt;

/// <summary>Ending a connection on purpose: DisconnectAsync, DisposeAsync, and the test hook that drops it.</summary>
public sealed partial class CloudSignalClient
{
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

        List<PublishCompletion> publishes;
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
        FlushStore(); // unacknowledged publishes stay in the store for the next client
        ReleaseQueueWaiters();
        _reconnectCancel.Dispose();
        _messages.Writer.TryComplete();
        foreach (var p in publishes)
        {
            p.Fail(new ObjectDisposedException(nameof(CloudSignalClient)));
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

            // Returns once the client has seen the loss (IsConnected false, offline callback run),
            // as a test expects of a drop it caused.
            // Either loop reports the loss when it ends; the read loop may be held by a full
            // Messages buffer, the write loop never is.
            if (link.ReadLoop is Task readLoop && link.WriteLoop is Task writeLoop)
            {
                await Task.WhenAny(readLoop, writeLoop).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
        }
    }
}
