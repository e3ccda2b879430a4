using System.Globalization;

namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>
/// The throughput goals, checked per scenario against the median paired ratio:
/// QoS 0 ≥ 2.0× MQTTnet (every QoS 0 scenario), QoS 1 with a window ≥ 2.0×, QoS 2 ≥ 1.5×
/// (every QoS 2 scenario, awaited one by one or windowed).
/// </summary>
internal static class EndToEndGoals
{
    public const string Suite = "e2e";

    private static readonly (string Goal, Func<ScenarioSummary, bool> AppliesTo, double MinimumRatio)[] Goals =
    [
        ("QoS 0 ≥ 2.0× MQTTnet msgs/s", s => s.Qos == 0, 2.0),
        ("QoS 1 windowed ≥ 2.0× MQTTnet msgs/s", s => s.Qos == 1 && s.Window > 1, 2.0),
        ("QoS 2 ≥ 1.5× MQTTnet msgs/s", s => s.Qos == 2, 1.5),
    ];

    /// <summary>The minimum ratio a scenario must reach, or null when no goal covers it (QoS 1 one by one).</summary>
    public static double? TargetFor(ScenarioSummary scenario) =>
        Goals.Where(g => g.AppliesTo(scenario)).Select(g => (double?)g.MinimumRatio).FirstOrDefault();

    public static IEnumerable<GoalRow> Evaluate(IEnumerable<ScenarioSummary> scenarios)
    {
        foreach ((string goal, Func<ScenarioSummary, bool> appliesTo, double minimum) in Goals)
        {
            foreach (ScenarioSummary scenario in scenarios.Where(appliesTo))
            {
                Spread ratio = scenario.Ratio;
                // Met/not met goes by the median; a range across the target says another run may differ.
                string straddles = ratio.Min < minimum && ratio.Max >= minimum ? "; range straddles the target" : string.Empty;
                string measured = ratio.HasValue
                    ? string.Create(CultureInfo.InvariantCulture, $"{ratio.Median:F2}× ({ratio.Min:F2}–{ratio.Max:F2}, {ratio.Count} runs{straddles})")
                    : "no successful pair";
                yield return new GoalRow(
                    Suite,
                    $"{goal}: {scenario.Name}",
                    string.Create(CultureInfo.InvariantCulture, $"≥ {minimum:F1}×"),
                    measured,
                    ratio.HasValue ? ratio.Median >= minimum : null);
            }
        }
    }
}
