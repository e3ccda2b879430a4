using System.Threading.Tasks.Sources;

namespace CloudSignal.Mqtt.Client;

/// <summary>
/// The pooled awaitable behind one publish: no allocation per message once the pool is warm.
/// Success comes through <see cref="EventBatch"/>, already on a pool thread; a failure (the client
/// disposed) is its own thread-pool work item, so no application code runs on the disposing thread
/// either.
/// </summary>
/// <remarks>
/// Lifetime: rented by PublishAsync, completed exactly once (the caller of CompleteInline/Fail removed
/// it from the client's table, so only one path owns it), returned to the pool by GetResult
/// (the awaiter's single read). Awaiting a ValueTask twice is the caller's bug and throws,
/// as for any IValueTaskSource.
/// </remarks>
internal sealed class PublishCompletion : IValueTaskSource<PublishResult>, IThreadPoolWorkItem
{
    private readonly PublishCompletionPool _pool;

    // Continuations run inline: CompleteInline and Execute are already on the pool.
    private ManualResetValueTaskSourceCore<PublishResult> _core;
    private Exception? _error;

    public PublishCompletion(PublishCompletionPool pool) => _pool = pool;

    /// <summary>The awaitable for the current use.</summary>
    public ValueTask<PublishResult> Task => new(this, _core.Version);

    /// <summary>Fails with <paramref name="error"/> on a pool thread.</summary>
    public void Fail(Exception error)
    {
        _error = error;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Completes with <paramref name="result"/> on this thread: for a caller already on the pool (<see cref="EventBatch"/>).</summary>
    public void CompleteInline(PublishResult result) => _core.SetResult(result);

    void IThreadPoolWorkItem.Execute() => _core.SetException(_error!);

    public PublishResult GetResult(short token)
    {
        if (token != _core.Version || _core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            // A second await, or a blocking read before completion: the caller's bug. Throw without
            // recycling, since the current user still owns this instance.
            throw new InvalidOperationException("A publish's ValueTask may be awaited once, after it completes.");
        }

        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            _error = null;
            _pool.Return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>A bounded stack of idle <see cref="PublishCompletion"/>s (one per client).</summary>
internal sealed class PublishCompletionPool
{
    // Enough for a deep window of concurrent publishes; beyond it the extras are left to the GC.
    private const int Capacity = 1024;

    private readonly Stack<PublishCompletion> _idle = new();

    public PublishCompletion Rent()
    {
        lock (_idle)
        {
            if (_idle.TryPop(out PublishCompletion? completion))
            {
                return completion;
            }
        }

        return new PublishCompletion(this);
    }

    public void Return(PublishCompletion completion)
    {
        lock (_idle)
        {
            if (_idle.Count < Capacity)
            {
                _idle.Push(completion);
            }
        }
    }
}
