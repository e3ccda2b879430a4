namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// A TimeProvider that moves only when told (<see cref="Advance"/>), for exact reconnect timing:
/// the client's back-off delays, connect timeouts and keep alive all run on it, while sockets
/// stay real. Due timers fire synchronously inside <see cref="Advance"/>, in due order, outside
/// the clock's lock. (The unit tests use FakeTimeProvider; this project does not reference it.)
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly object _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private long _now;

    /// <summary>Time advanced since the clock was made.</summary>
    public TimeSpan Elapsed
    {
        get
        {
            lock (_lock)
            {
                return TimeSpan.FromTicks(_now);
            }
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override DateTimeOffset GetUtcNow() => Epoch + Elapsed;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>True if an armed timer fires exactly <paramref name="dueIn"/> from now.</summary>
    public bool HasTimerDueIn(TimeSpan dueIn)
    {
        lock (_lock)
        {
            long due = _now + dueIn.Ticks;
            return _timers.Exists(t => t.Due == due);
        }
    }

    /// <summary>Armed timers (due at some point), whatever their due time.</summary>
    public int ArmedTimers => ArmedDueIn().Length;

    /// <summary>How long from now each armed timer fires.</summary>
    public TimeSpan[] ArmedDueIn()
    {
        lock (_lock)
        {
            return [.. _timers.Where(t => t.Due is not null).Select(t => TimeSpan.FromTicks(t.Due!.Value - _now))];
        }
    }

    /// <summary>
    /// Waits (real time, polling) until some code arms a timer due exactly <paramref name="dueIn"/>
    /// from now, e.g. the reconnect loop's next back-off delay; fails after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitForTimerDueInAsync(TimeSpan dueIn, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? ClientHarness.Step;
        using var cts = new CancellationTokenSource(limit);
        while (!HasTimerDueIn(dueIn))
        {
            try
            {
                await Task.Delay(5, cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"No timer due in {dueIn} was armed within {limit.TotalSeconds} s (clock at {Elapsed}; armed: {Describe()}).");
            }
        }
    }

    /// <summary>Moves time forward by <paramref name="by"/>, firing every timer due on the way, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        long target;
        lock (_lock)
        {
            target = _now + by.Ticks;
        }

        while (true)
        {
            ManualTimer? next = null;
            lock (_lock)
            {
                foreach (ManualTimer t in _timers)
                {
                    if (t.Due is long due && due <= target && (next is null || due < next.Due))
                    {
                        next = t;
                    }
                }

                if (next is null)
                {
                    _now = target;
                    return;
                }

                _now = Math.Max(_now, next.Due!.Value);
                next.Due = next.Period > 0 ? _now + next.Period : null;
            }

            next.Fire();
        }
    }

    private string Describe() => string.Join(", ", ArmedDueIn());

    private void Arm(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            timer.Due = dueTime == Timeout.InfiniteTimeSpan ? null : _now + Math.Max(0, dueTime.Ticks);
            timer.Period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_lock)
        {
            timer.Due = null;
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        /// <summary>Absolute due time in clock ticks; null when disarmed. Guarded by the clock's lock.</summary>
        public long? Due { get; set; }

        public long Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            clock.Arm(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
