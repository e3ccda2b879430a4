using System.Globalization;
using System.Security;
using System.Text;

namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>
/// A self-contained SVG grouped bar chart of msgs/s, ours vs MQTTnet: one panel per payload size
/// (each on its own linear scale, as 64 KiB rates are ~30× below 64 B ones), a pair of bars per
/// scenario with min–max whiskers, and the median ratio above each pair coloured by its goal.
/// </summary>
internal static class SvgChart
{
    private const double Width = 1200;
    private const double Margin = 20;
    private const double PlotTop = 110;
    private const double PlotHeight = 300;
    private const double AxisWidth = 48;
    private const string OursColour = "#2b6cb0";
    private const string TheirsColour = "#a0aec0";
    private const string MetColour = "#2f855a";
    private const string NotMetColour = "#c53030";
    private const string NoGoalColour = "#4a5568";

    public static string Render(BenchReport report)
    {
        const double height = PlotTop + PlotHeight + 66;
        var svg = new StringBuilder();
        Append(svg, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{height}" viewBox="0 0 {Width} {height}" font-family="Helvetica, Arial, sans-serif">""");
        Append(svg, $"""<rect width="{Width}" height="{height}" fill="#ffffff"/>""");
        Text(svg, Margin, 28, $"End-to-end msgs/s: CloudSignal.Mqtt vs MQTTnet through mosquitto ({report.Mode} mode, median of {report.Repetitions})", 17, "bold");
        Text(svg, Margin, 48, $"{report.Machine.Summary} · {report.StartedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC{(report.Machine.Commit is null ? string.Empty : $" · commit {report.Machine.Commit}")}", 12);
        Legend(svg, Margin, 72);
        if (MarkdownReport.LoadNote(report) is { } load)
        {
            Text(svg, Margin + 280, 72, load, 12, fill: NoGoalColour);
        }


        IGrouping<int, ScenarioSummary>[] panels = report.Scenarios.GroupBy(s => s.PayloadSize).OrderBy(g => g.Key).ToArray();
        double panelWidth = (Width - (2 * Margin)) / Math.Max(1, panels.Length);
        for (int i = 0; i < panels.Length; i++)
        {
            Panel(svg, Margin + (i * panelWidth), panelWidth, panels[i].ToArray());
        }

        Text(svg, Margin, height - 14,
            "Bars: median msgs/s; whiskers: min–max over the runs. Label: ours / MQTTnet, median of back-to-back pairs; "
            + "green = goal met, red = not met, grey = no goal. Each panel has its own linear scale.", 11, fill: NoGoalColour);
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, double left, double width, ScenarioSummary[] scenarios)
    {
        double plotLeft = left + AxisWidth;
        double plotWidth = width - AxisWidth - 16;
        double plotBottom = PlotTop + PlotHeight;
        double highest = scenarios
            .SelectMany(s => new[] { s.OursMessagesPerSecond.Max, s.TheirsMessagesPerSecond.Max })
            .DefaultIfEmpty(0).Max();
        double step = NiceStep(Math.Max(highest * 1.12, 1) / 5);
        double top = Math.Ceiling(highest * 1.12 / step) * step;
        double Y(double value) => plotBottom - (value / top * PlotHeight);

        Text(svg, plotLeft, PlotTop - 12, $"{SizeLabel(scenarios[0].PayloadSize)} payload", 13, "bold");
        for (double tick = 0; tick <= top + (step / 2); tick += step)
        {
            Append(svg, $"""<line x1="{plotLeft}" y1="{Y(tick)}" x2="{plotLeft + plotWidth}" y2="{Y(tick)}" stroke="#e2e8f0"/>""");
            Text(svg, plotLeft - 5, Y(tick) + 4, Short(tick), 10, anchor: "end", fill: NoGoalColour);
        }

        Append(svg, $"""<line x1="{plotLeft}" y1="{PlotTop}" x2="{plotLeft}" y2="{plotBottom}" stroke="#718096"/>""");
        Append(svg, $"""<line x1="{plotLeft}" y1="{plotBottom}" x2="{plotLeft + plotWidth}" y2="{plotBottom}" stroke="#718096"/>""");

        double groupWidth = plotWidth / scenarios.Length;
        double barWidth = groupWidth * 0.34;
        for (int i = 0; i < scenarios.Length; i++)
        {
            ScenarioSummary s = scenarios[i];
            double centre = plotLeft + ((i + 0.5) * groupWidth);
            Bar(svg, centre - barWidth - 1, barWidth, s.OursMessagesPerSecond, OursColour, Y, $"ours {s.Name}");
            Bar(svg, centre + 1, barWidth, s.TheirsMessagesPerSecond, TheirsColour, Y, $"MQTTnet {s.Name}");

            double labelY = Y(Math.Max(s.OursMessagesPerSecond.Max, s.TheirsMessagesPerSecond.Max)) - 6;
            Spread ratio = s.Ratio;
            double? target = EndToEndGoals.TargetFor(s);
            string colour = !ratio.HasValue || target is null ? NoGoalColour : ratio.Median >= target ? MetColour : NotMetColour;
            string label = ratio.HasValue ? ratio.Median.ToString("F2", CultureInfo.InvariantCulture) + "×" : "n/a";
            Text(svg, centre, labelY, label, 11, "bold", "middle", colour);

            Text(svg, centre, plotBottom + 15, $"QoS {s.Qos}", 10, anchor: "middle");
            Text(svg, centre, plotBottom + 28, s.Window == 1 ? "1-by-1" : $"win {s.Window}", 10, anchor: "middle", fill: NoGoalColour);
        }
    }

    private static void Bar(StringBuilder svg, double x, double width, Spread spread, string colour, Func<double, double> y, string title)
    {
        if (!spread.HasValue)
        {
            return;
        }

        double bottom = y(0);
        double top = y(spread.Median);
        Append(svg, $"""<rect x="{x}" y="{top}" width="{width}" height="{bottom - top}" fill="{colour}"><title>{Escape(title)}: {spread.Median:F0} msg/s ({spread.Min:F0}–{spread.Max:F0})</title></rect>""");
        if (spread.Count > 1)
        {
            double mid = x + (width / 2);
            double cap = width / 4;
            Append(svg, $"""<path d="M{mid} {y(spread.Min)}V{y(spread.Max)}M{mid - cap} {y(spread.Min)}H{mid + cap}M{mid - cap} {y(spread.Max)}H{mid + cap}" stroke="#1a202c" stroke-width="1" fill="none"/>""");
        }
    }

    private static void Legend(StringBuilder svg, double x, double y)
    {
        Append(svg, $"""<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{OursColour}"/>""");
        Text(svg, x + 17, y, "CloudSignal.Mqtt (ours)", 12);
        Append(svg, $"""<rect x="{x + 180}" y="{y - 10}" width="12" height="12" fill="{TheirsColour}"/>""");
        Text(svg, x + 197, y, "MQTTnet", 12);
    }

    private static void Text(StringBuilder svg, double x, double y, string text, double size,
        string weight = "normal", string anchor = "start", string fill = "#1a202c") =>
        Append(svg, $"""<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" fill="{fill}">{Escape(text)}</text>""");

    private static void Append(StringBuilder svg, FormattableString element) =>
        svg.AppendLine(element.ToString(new SvgNumbers()));

    /// <summary>1, 2 or 5 × a power of ten: gridlines at round numbers.</summary>
    private static double NiceStep(double raw)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double normalised = raw / magnitude;
        return magnitude * (normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10);
    }

    private static string Short(double value) => value >= 1000
        ? (value / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : value.ToString("0", CultureInfo.InvariantCulture);

    private static string SizeLabel(int bytes) => bytes >= 1024 ? $"{bytes / 1024} KiB" : $"{bytes} B";

    private static string Escape(string text) => SecurityElement.Escape(text);

    /// <summary>Invariant culture with doubles rounded to 0.1 px, so the file stays small and diff-friendly.</summary>
    private sealed class SvgNumbers : IFormatProvider, ICustomFormatter
    {
        public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

        public string Format(string? format, object? arg, IFormatProvider? formatProvider) => arg switch
        {
            double d when format is null => Math.Round(d, 1).ToString(CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
            _ => arg?.ToString() ?? string.Empty,
        };
    }
}
