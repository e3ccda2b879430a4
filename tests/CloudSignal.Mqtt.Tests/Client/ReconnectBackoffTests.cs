using CloudSignal.Mqtt.Client;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Property = FsCheck.Property;

namespace CloudSignal.Mqtt.Tests.Client;

/// <summary>
/// <see cref="ReconnectBackoff.Delay"/>: ReconnectPeriod × 2^(n−1), capped at MaxReconnectDelay,
/// spread by ±jitter and never above the cap. Pure arithmetic, so every value is exact.
/// </summary>
public class ReconnectBackoffTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>random 0.5 is the middle of [0, 1): no spread whatever the jitter.</summary>
    private const double Middle = 0.5;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 16)]
    [InlineData(10, 512)]
    public void NoJitter_AttemptN_IsPeriodTimesTwoToTheNMinusOne(int attempt, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), ReconnectBackoff.Delay(attempt, Second, Hour, 0, 0.999));
        Assert.Equal(TimeSpan.FromSeconds(seconds), ReconnectBackoff.Delay(attempt, Second, Hour, 0, 0));
    }

    [Fact]
    public void NoJitter_SubSecondPeriod_DoublesExactlyToTheTick()
    {
        TimeSpan period = TimeSpan.FromMilliseconds(150);
        TimeSpan[] delays = [.. Enumerable.Range(1, 6).Select(n => ReconnectBackoff.Delay(n, period, Hour, 0, Middle))];

        Assert.Equal([150, 300, 600, 1200, 2400, 4800], delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public void Cap_DelayGrowsToTheCapThenStaysThere()
    {
        TimeSpan cap = TimeSpan.FromSeconds(30);
        int[] seconds = [.. Enumerable.Range(1, 10).Select(n => (int)ReconnectBackoff.Delay(n, Second, cap, 0, Middle).TotalSeconds)];

        // 16 is the last doubling under 30; the 32 of attempt 6 is cut to 30.
        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30, 30, 30], seconds);
    }

    [Fact]
    public void CapBelowPeriod_PeriodWins()
    {
        // A cap shorter than the first delay would make the back-off shrink: the period is the floor of the cap.
        Assert.Equal(Second, ReconnectBackoff.Delay(1, Second, TimeSpan.FromMilliseconds(500), 0, Middle));
        Assert.Equal(Second, ReconnectBackoff.Delay(7, Second, TimeSpan.FromMilliseconds(500), 0, Middle));
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.25, 0.9)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.75, 1.1)]
    public void Jitter_SpreadsLinearlyOverPlusMinusTheFraction(double random, double factor)
    {
        // Attempt 3 of a 1 s period: 4 s before jitter; ±20 %.
        TimeSpan delay = ReconnectBackoff.Delay(3, Second, Hour, 0.2, random);

        AssertWithinOneTick(TimeSpan.FromSeconds(4 * factor), delay);
    }

    [Fact]
    public void Jitter_RandomJustBelowOne_ReachesButDoesNotPassTheUpperBound()
    {
        // The largest sample rounds to +20 % exactly in double arithmetic: the bound is inclusive.
        double almostOne = Math.BitDecrement(1.0);
        TimeSpan delay = ReconnectBackoff.Delay(3, Second, Hour, 0.2, almostOne);

        Assert.True(delay <= TimeSpan.FromSeconds(4.8), $"{delay}");
        Assert.True(delay > TimeSpan.FromSeconds(4.8) - TimeSpan.FromTicks(10), $"{delay}");
    }

    [Fact]
    public void JitterAtTheCap_NeverExceedsTheCap()
    {
        TimeSpan cap = TimeSpan.FromSeconds(30);

        // Attempt 10 is capped at 30 s; +20 % would be 36 s, cut back to 30 s; −20 % is 24 s.
        Assert.Equal(cap, ReconnectBackoff.Delay(10, Second, cap, 0.2, 0.99));
        AssertWithinOneTick(TimeSpan.FromSeconds(24), ReconnectBackoff.Delay(10, Second, cap, 0.2, 0));
    }

    [Fact]
    public void ZeroJitter_IsExactWhateverTheRandomSample()
    {
        double[] samples = [0, 0.1, 0.5, 0.9, Math.BitDecrement(1.0)];
        TimeSpan[] delays = [.. samples.Select(r => ReconnectBackoff.Delay(4, TimeSpan.FromMilliseconds(250), Hour, 0, r))];

        Assert.All(delays, d => Assert.Equal(TimeSpan.FromSeconds(2), d));
    }

    [Theory]
    [InlineData(-0.5, 0.0, 4.0)]          // negative: no jitter
    [InlineData(double.NaN, 0.0, 4.0)]    // NaN: no jitter
    [InlineData(3.0, 0.0, 0.0)]           // above 1: clamped to 1, so random 0 gives 0
    [InlineData(3.0, 0.75, 6.0)]          // clamped to 1: 4 × (1 + 0.5)
    public void Jitter_OutOfRange_ClampedToZeroToOne(double jitter, double random, double seconds)
    {
        AssertWithinOneTick(TimeSpan.FromSeconds(seconds), ReconnectBackoff.Delay(3, Second, Hour, jitter, random));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AttemptBelowOne_TreatedAsTheFirst(int attempt)
    {
        Assert.Equal(Second, ReconnectBackoff.Delay(attempt, Second, Hour, 0, Middle));
    }

    [Fact]
    public void AttemptCounterWrapped_StaysAtTheCap()
    {
        // An unlimited loop's attempt++ after int.MaxValue gives int.MinValue: the back-off must not restart from the period.
        TimeSpan cap = TimeSpan.FromSeconds(30);

        Assert.Equal(cap, ReconnectBackoff.Delay(unchecked(int.MaxValue + 1), Second, cap, 0, Middle));
    }

    [Theory]
    [InlineData(32)]   // 2^31 s would overflow an int of seconds
    [InlineData(63)]   // 2^62: the last exponent used
    [InlineData(64)]   // 2^63 ticks would overflow a long
    [InlineData(1_000)]
    [InlineData(int.MaxValue)]
    public void HugeAttempt_DoesNotOverflow_StaysAtTheCap(int attempt)
    {
        TimeSpan cap = TimeSpan.FromSeconds(30);

        Assert.Equal(cap, ReconnectBackoff.Delay(attempt, Second, cap, 0, Middle));
        Assert.Equal(cap, ReconnectBackoff.Delay(attempt, Second, cap, 0.2, 0.99));
    }

    [Fact] // Task.Delay cannot wait longer than ~49.7 days: an absurd cap saturates at Longest, never wraps negative
    public void HugeAttempt_MaximalCap_SaturatesAtLongestInsteadOfWrappingNegative()
    {
        TimeSpan delay = ReconnectBackoff.Delay(int.MaxValue, Second, TimeSpan.MaxValue, 0, Middle);

        Assert.Equal(ReconnectBackoff.Longest, delay);
        Assert.True(delay < TimeSpan.FromMilliseconds(uint.MaxValue - 1));
    }

    /// <summary>For any attempt, jitter and sample: within ±jitter of the capped exponential, never above the cap, never negative.</summary>
    [Property(MaxTest = 500)]
    public Property AnyInput_DelayWithinJitterBandOfCappedExponential_AndNeverAboveCap() =>
        Prop.ForAll(
            Arb.From(Gen.Choose(1, 200)),
            Arb.From(Gen.Choose(0, 1000).Select(j => j / 1000.0)),
            Arb.From(Gen.Choose(0, 999_999).Select(r => r / 1_000_000.0)),
            (attempt, jitter, random) =>
            {
                TimeSpan period = TimeSpan.FromMilliseconds(100);
                TimeSpan cap = TimeSpan.FromSeconds(30);
                double exponential = Math.Min(cap.Ticks, period.Ticks * Math.Pow(2, Math.Min(attempt - 1, 62)));
                long ticks = ReconnectBackoff.Delay(attempt, period, cap, jitter, random).Ticks;
                bool inBand = ticks >= Math.Floor(exponential * (1 - jitter)) - 1 && ticks <= Math.Ceiling(exponential * (1 + jitter)) + 1;
                return (inBand && ticks >= 0 && ticks <= cap.Ticks)
                    .Label($"attempt {attempt}, jitter {jitter}, random {random}: {ticks} ticks, exponential {exponential}");
            });

    private static void AssertWithinOneTick(TimeSpan expected, TimeSpan actual) =>
        Assert.True(Math.Abs(expected.Ticks - actual.Ticks) <= 1, $"expected {expected} (±1 tick), got {actual}");
}
