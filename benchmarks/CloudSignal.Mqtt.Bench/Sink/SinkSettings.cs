namespace CloudSignal.Mqtt.Bench.Sink;

/// <summary>Sink suite knobs: message multiplier, per-run publish time cap, warm-up cap, stall timeout.</summary>
internal sealed record SinkSettings(int Scale, TimeSpan Cap, TimeSpan WarmupCap, TimeSpan Timeout);
