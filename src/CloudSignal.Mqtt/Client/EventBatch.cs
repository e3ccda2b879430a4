using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt.Client;

/// <summary>
/// What one drain of the session's events produced: the events the client acts on itself, and the
/// publishes they complete. The publishes are completed together in one thread-pool work item
/// (this object), not one work item each: under a window of publishes a read of 100 PUBACKs costs
/// one hop to the pool instead of 100, and the application's continuations still never run on
/// the client's I/O loops. Pooled by the client, so a drain allocates nothing in steady state.
/// </summary>
internal sealed class EventBatch : IThreadPoolWorkItem
{
    private readonly IEventBatchOwner _owner;

    public EventBatch(IEventBatchOwner owner) => _owner = owner;

    /// <summary>Events other than publish completions, in order.</summary>
    public List<SessionEvent> Events { get; } = [];

    /// <summary>Publishes to complete, in order.</summary>
    public List<(PublishCompletion Completion, PublishResult Result)> Completions { get; } = [];

    /// <summary>Completes the publishes on a pool thread, then goes back to the pool.</summary>
    /// <remarks>
    /// preferLocal: the client's loops run on pool threads, whose local queues are reused arrays;
    /// the global queue allocates a new segment whenever a burst outgrows the current one (seen as
    /// 5–7 B/msg at 500k–1M QoS 0 publishes/s to a local sink). Idle workers still steal from it.
    /// </remarks>
    public void CompleteOnThreadPool() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);

    void IThreadPoolWorkItem.Execute()
    {
        _owner.Starting(this);

        // Each continuation runs inline here, one after the other (a window's awaiting loop finds
        // the later ones already complete).
        foreach ((PublishCompletion completion, PublishResult result) in Completions)
        {
            completion.CompleteInline(result);
        }

        Recycle();
    }

    /// <summary>Empties the batch and returns it to the pool.</summary>
    public void Recycle()
    {
        Events.Clear();
        Completions.Clear();
        _owner.Return(this);
    }
}

/// <summary>The pool a batch belongs to (the client).</summary>
internal interface IEventBatchOwner
{
    /// <summary>The queued batch starts running: from then on nothing may be added to it.</summary>
    void Starting(EventBatch batch);

    /// <summary>Takes the emptied batch back.</summary>
    void Return(EventBatch batch);
}
