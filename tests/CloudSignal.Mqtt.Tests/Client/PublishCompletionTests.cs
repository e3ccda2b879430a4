using System.Runtime.CompilerServices;
using CloudSignal.Mqtt.Client;

namespace CloudSignal.Mqtt.Tests.Client;

/// <summary>
/// <see cref="PublishCompletion"/>, the pooled awaitable behind the ValueTask publish: it completes
/// once with a result or an exception, on a thread-pool thread (never inline on the completing
/// thread, which in the client is a read or write loop), goes back to its pool when the awaiter
/// reads the result, and a stale ValueTask (a second await) throws without recycling it twice.
/// </summary>
public class PublishCompletionTests
{
    /// <summary>Bound of any wait for a thread-pool work item (a busy 2-core machine runs one in milliseconds).</summary>
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Completed_AwaitReturnsThatResultInstance()
    {
        var pool = new PublishCompletionPool();
        PublishCompletion completion = pool.Rent();
        ValueTask<PublishResult> task = completion.Task;
        var result = new PublishResult(MqttReasonCode.NoMatchingSubscribers, "nobody listens");
        Assert.False(task.IsCompleted);

        completion.CompleteInline(result);

        Assert.Same(result, await task.AsTask().WaitAsync(Step));
    }

    [Fact]
    public async Task Fail_AwaitThrowsThatExceptionInstance()
    {
        var pool = new PublishCompletionPool();
        PublishCompletion completion = pool.Rent();
        ValueTask<PublishResult> task = completion.Task;
        var error = new ObjectDisposedException(nameof(CloudSignalClient));

        completion.Fail(error);

        Assert.Same(error, await Assert.ThrowsAsync<ObjectDisposedException>(() => task.AsTask().WaitAsync(Step)));
    }

    [Fact]
    public async Task CompleteInline_CompletedWhenItReturns_ThenRecycledLikeComplete()
    {
        var pool = new PublishCompletionPool();
        PublishCompletion completion = pool.Rent();
        ValueTask<PublishResult> task = completion.Task;
        var result = new PublishResult(MqttReasonCode.Success);

        completion.CompleteInline(result);

        Assert.True(task.IsCompletedSuccessfully);
        Assert.Same(result, await task);
        Assert.Same(completion, pool.Rent());
        Assert.NotSame(completion, pool.Rent());
    }

    [Fact]
    public async Task Failed_StillGoesBackToThePool()
    {
        var pool = new PublishCompletionPool();
        PublishCompletion completion = pool.Rent();
        ValueTask<PublishResult> task = completion.Task;
        completion.Fail(new IOException("lost"));
        await Assert.ThrowsAsync<IOException>(() => task.AsTask().WaitAsync(Step));

        PublishCompletion again = pool.Rent();
        Assert.Same(completion, again);

        // The failure does not stick to the next use.
        var result = new PublishResult(MqttReasonCode.Success);
        ValueTask<PublishResult> next = again.Task;
        again.CompleteInline(result);
        Assert.Same(result, await next.AsTask().WaitAsync(Step));
    }

    [Fact]
    public async Task AfterGetResult_NextRentIsSameInstanceWithNewVersion_StaleValueTaskThrowsAndDoesNotRecycleAgain()
    {
        var pool = new PublishCompletionPool();
        PublishCompletion completion = pool.Rent();
        ValueTask<PublishResult> first = completion.Task;
        var firstResult = new PublishResult(MqttReasonCode.Success);
        completion.CompleteInline(firstResult);
        Assert.Same(firstResult, await first.AsTask().WaitAsync(Step)); // the one read: back to the pool

        PublishCompletion reused = pool.Rent();
        Assert.Same(completion, reused);
        ValueTask<PublishResult> second = reused.Task;

        // Same source object, another token: ValueTask equality compares both.
        Assert.NotEqual(first, second);
        Assert.False(second.IsCompleted);

        // The stale ValueTask: a second await, and a blocking read, both refuse.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await first);
        Assert.Throws<InvalidOperationException>(() => first.Result);

        // The current user is unaffected by the misuse ...
        Assert.False(second.IsCompleted);
        var secondResult = new PublishResult(MqttReasonCode.ImplementationSpecificError, "second");
        reused.CompleteInline(secondResult);
        Assert.Same(secondResult, await second.AsTask().WaitAsync(Step));

        // ... and the instance went back to the pool once (by the second user), not again by
        // the stale reads: the next rent gets it, the one after that a new instance.
        Assert.Same(completion, pool.Rent());
        Assert.NotSame(completion, pool.Rent());
    }

    [Fact]
    public async Task SecondAwaitWhileIdleInPool_Throws_InstanceStillPooledOnce()
    {
        var pool = new PublishCompletionPool();
        PublishCompletion completion = pool.Rent();
        ValueTask<PublishResult> task = completion.Task;
        completion.CompleteInline(new PublishResult(MqttReasonCode.Success));
        await task.AsTask().WaitAsync(Step);

        // Nobody rented it again yet; the stale token is refused all the same.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await task);
        Assert.Throws<InvalidOperationException>(() => task.Result);

        Assert.Same(completion, pool.Rent());
        Assert.NotSame(completion, pool.Rent());
    }

    [Fact]
    public async Task BlockingReadBeforeCompletion_Throws_InstanceNotRecycled_LaterAwaitStillWorks()
    {
        var pool = new PublishCompletionPool();
        PublishCompletion completion = pool.Rent();
        ValueTask<PublishResult> task = completion.Task;

        Assert.Throws<InvalidOperationException>(() => task.Result);

        // Still owned by this publish: the pool hands out another one.
        Assert.NotSame(completion, pool.Rent());

        var result = new PublishResult(MqttReasonCode.Success);
        completion.CompleteInline(result);
        Assert.Same(result, await task.AsTask().WaitAsync(Step));
        Assert.Same(completion, pool.Rent());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Continuation_RunsOnThreadPool_NotInlineOnTheCompletingThread(bool fail)
    {
        var pool = new PublishCompletionPool();
        PublishCompletion completion = pool.Rent();
        // No context capture: xunit's synchronisation context would move the continuation to its
        // own threads and hide where the completion runs it.
#pragma warning disable xUnit1030
        ConfiguredValueTaskAwaitable<PublishResult>.ConfiguredValueTaskAwaiter awaiter = completion.Task.ConfigureAwait(false).GetAwaiter();
#pragma warning restore xUnit1030

        using var completeReturned = new ManualResetEventSlim();
        using var continued = new ManualResetEventSlim();
        Thread? continuationThread = null;
        bool onPool = false;
        bool sawCompleteReturn = false;
        Exception? outcome = null;
        awaiter.UnsafeOnCompleted(() =>
        {
            continuationThread = Thread.CurrentThread;
            onPool = Thread.CurrentThread.IsThreadPoolThread;

            // Inline on the completing thread this would wait for its own Complete to return.
            sawCompleteReturn = completeReturned.Wait(Step);
            try
            {
                awaiter.GetResult();
            }
            catch (Exception ex)
            {
                outcome = ex;
            }

            continued.Set();
        });

        var error = new IOException("connection lost");
        var completer = new Thread(() =>
        {
            if (fail)
            {
                completion.Fail(error);
            }
            else
            {
                // Success is completed the way the client does it: through an event batch.
                var batch = new EventBatch(new NoOwner());
                batch.Completions.Add((completion, new PublishResult(MqttReasonCode.Success)));
                batch.CompleteOnThreadPool();
            }

            completeReturned.Set();
        })
        { IsBackground = true, Name = "completer" };
        completer.Start();

        Assert.True(completer.Join(Step), "Complete/Fail did not return");
        Assert.True(continued.Wait(Step), "the continuation did not run");
        Assert.True(sawCompleteReturn, "the continuation ran before Complete/Fail returned (inline)");
        Assert.NotSame(completer, continuationThread);
        Assert.True(onPool, $"continuation ran on '{continuationThread?.Name}', not a thread-pool thread");
        Assert.Same(fail ? error : null, outcome);
    }

    [Fact]
    public void Pool_KeepsAtMost1024IdleInstances()
    {
        const int Rented = 1_100;
        var pool = new PublishCompletionPool();
        PublishCompletion[] first = [.. Enumerable.Range(0, Rented).Select(_ => pool.Rent())];
        Assert.Equal(Rented, first.Distinct().Count());

        foreach (PublishCompletion completion in first)
        {
            pool.Return(completion);
        }

        var original = new HashSet<PublishCompletion>(first);
        PublishCompletion[] second = [.. Enumerable.Range(0, Rented).Select(_ => pool.Rent())];
        Assert.Equal(Rented, second.Distinct().Count());
        Assert.Equal(1_024, second.Count(original.Contains));
        Assert.Equal(Rented - 1_024, second.Count(c => !original.Contains(c)));
    }

    [Fact]
    public async Task ManyRounds_OneInstanceServesEveryPublishInTurn_EachGetsItsOwnResult()
    {
        var pool = new PublishCompletionPool();
        PublishCompletion first = pool.Rent();
        pool.Return(first);
        for (int i = 0; i < 2_000; i++)
        {
            PublishCompletion completion = pool.Rent();
            Assert.Same(first, completion);
            ValueTask<PublishResult> task = completion.Task;
            var result = new PublishResult(MqttReasonCode.Success, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            completion.CompleteInline(result);
            Assert.Same(result, await task.AsTask().WaitAsync(Step));
        }
    }

    /// <summary>A batch owner that keeps nothing: these tests only need the batch to run.</summary>
    private sealed class NoOwner : IEventBatchOwner
    {
        public void Starting(EventBatch batch)
        {
        }

        public void Return(EventBatch batch)
        {
        }
    }
}
