namespace CloudSignal.Mqtt.Client;

/// <summary>
/// The wait before reconnect attempt n (from 1): ReconnectPeriod × 2^(n−1), capped at
/// MaxReconnectDelay, then spread by ±jitter and capped again. Exponential so that a broker that
/// is down is not hammered; jittered so that clients dropped together spread out.
/// </summary>
internal static class ReconnectBackoff
{
    /// <summary>The longest delay used, whatever the options say.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(24);

    /// <param name="attempt">Attempt number, from 1.</param>
    /// <param name="period">The first delay (ReconnectPeriod).</param>
    /// <param name="cap">The longest delay (MaxReconnectDelay; never below <paramref name="period"/>).</param>
    /// <param name="jitter">Spread as a fraction, clamped to 0–1.</param>
    /// <param name="random">A uniform sample in [0, 1).</param>
    public static TimeSpan Delay(int attempt, TimeSpan period, TimeSpan cap, double jitter, double random)
    {
        // Task.Delay takes at most ~49.7 days; no reconnect policy needs more than Longest.
        double limit = Math.Min(Math.Max(cap.Ticks, period.Ticks), Longest.Ticks);
        double exponential = Math.Min(limit, period.Ticks * Math.Pow(2, Math.Clamp(attempt - 1, 0, 62)));
        double spread = Math.Clamp(double.IsNaN(jitter) ? 0 : jitter, 0, 1);
        double ticks = exponential * (1 + (spread * ((2 * random) - 1)));
        return TimeSpan.FromTicks((long)Math.Clamp(ticks, 0, limit));
    }
}
