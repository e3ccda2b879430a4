namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>Median and range of a few repeated figures; Count 0 when nothing was measured.</summary>
internal sealed record Spread(double Median, double Min, double Max, int Count)
{
    public static readonly Spread None = new(0, 0, 0, 0);

    public bool HasValue => Count > 0;

    public static Spread Of(IEnumerable<double> values)
    {
        double[] sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return None;
        }

        int mid = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Spread(median, sorted[0], sorted[^1], sorted.Length);
    }
}
