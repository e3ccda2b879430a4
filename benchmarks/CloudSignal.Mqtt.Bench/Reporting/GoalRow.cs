namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>
/// One line of the goals section: what the issue asks, what this run measured, and whether that
/// meets it (null: not measured in this run). Each suite appends its own rows to
/// <see cref="BenchReport.Goals"/>; the report prints them in order.
/// </summary>
internal sealed record GoalRow(string Suite, string Goal, string Target, string Measured, bool? Met);
