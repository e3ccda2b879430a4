using CloudSignal.Mqtt.Client;
using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt;

/// <summary>Session events turned into completions and callbacks; never under <c>_gate</c>.</summary>
public sealed partial class CloudSignalClient
{
    private void Dispatch(EventBatch? batch)
    {
        if (batch is null)
        {
            return;
        }

        foreach (SessionEvent e in batch.Events)
        {
            switch (e.Kind)
            {
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
                    ReleaseQueueWaiters();
                    Invoke(_onOnline);
                    break;

                case SessionEventKind.Closed:
                    OnClosed((CloseInfo)e.Detail!);
                    break;
            }
        }

        if (batch.Completions.Count > 0 && !TryJoinQueuedCompletions(batch))
        {
            batch.CompleteOnThreadPool(); // recycles the batch when done
        }
        else
        {
            batch.Recycle();
        }
    }

    /// <summary>
    /// Adds the batch's completions to the batch already queued to the pool and not yet started, if
    /// there is one (true: this batch is spent). Under a window of publishes the loops produce
    /// batches faster than a busy pool runs them; joining keeps one queued at a time, so the pool of
    /// batches is not drained into new ones (a new batch and its lists are ~4 KB) and the pool sees
    /// one work item where it would have seen many. Joined completions run after the queued ones,
    /// in the order they were dispatched (separate work items had no order among themselves: a
    /// thread runs its own local queue last in, first out).
    /// </summary>
    private bool TryJoinQueuedCompletions(EventBatch batch)
    {
        lock (_gate)
        {
            if (_queuedCompletions is { } queued)
            {
                queued.Completions.AddRange(batch.Completions);
                return true;
            }

            _queuedCompletions = batch;
            return false;
        }
    }

    /// <summary>The queued batch starts running: later completions go to a new one.</summary>
    void IEventBatchOwner.Starting(EventBatch batch)
    {
        lock (_gate)
        {
            if (_queuedCompletions == batch)
            {
                _queuedCompletions = null;
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

        try
        {
            NotifyClosed(info);
        }
        finally
        {
            // Last: DisconnectAsync returns after the offline callback has run, not while it may
            // still be running (seen as a missing "Connection closed" right after DisconnectAsync).
            _closedWaiter?.TrySetResult();
        }
    }

    private void NotifyClosed(CloseInfo info)
    {
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
        if (info.Reason != CloseReason.LocalDisconnect)
        {
            Invoke(_onError, ToError(info));
        }

        if (info.Reason != CloseReason.LocalDisconnect && !_stopReconnecting && !_disposed && _options.ReconnectPeriod > TimeSpan.Zero)
        {
            _ = ReconnectLoopAsync();
        }
    }

    /// <summary>What the error callback gets for an unexpected close.</summary>
    private static MqttException ToError(CloseInfo info) => info.Reason == CloseReason.ProtocolViolation
        ? new MqttProtocolException(info.ReasonCode, $"The broker broke the protocol: {Describe(info)}")
        : new MqttConnectionLostException(info.ReasonCode, $"The connection was lost: {Describe(info)}");

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
}
