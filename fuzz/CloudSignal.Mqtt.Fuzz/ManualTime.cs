namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// A clock that moves only when told: the session reads nothing but timestamps, so this is all
/// a fuzz run needs (and it keeps the harness free of test packages).
/// </summary>
internal sealed class ManualTime : TimeProvider
{
    /// <summary>Timestamps count microseconds.</summary>
    public const long Frequency = 1_000_000;

    public long Now { get; private set; } = Frequency; // not 0: a deadline at 0 would look unset

    public override long TimestampFrequency => Frequency;

    public override long GetTimestamp() => Now;

    /// <summary>Moves to <paramref name="timestamp"/>; never backwards.</summary>
    public void MoveTo(long timestamp) => Now = Math.Max(Now, timestamp);
}
