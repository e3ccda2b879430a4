using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace CloudSignal.Mqtt.Bench.Reporting;

/// <summary>Where the figures were measured: they mean little without the machine next to them.</summary>
internal sealed record MachineInfo(
    int Cores,
    string CpuModel,
    string Os,
    string Kernel,
    string DotNet,
    string? Mosquitto,
    string? MqttNet,
    string? Commit)
{
    public static readonly MachineInfo Unknown = new(0, "unknown", "unknown", "unknown", "unknown", null, null, null);

    /// <summary>A one-line description for chart titles and Markdown headers.</summary>
    public string Summary => Cores == 0 ? "machine not recorded" : string.Join(", ", new[]
    {
        CpuModel,
        $"{Cores} cores",
        Os,
        DotNet,
        Mosquitto,
        MqttNet is null ? null : $"MQTTnet {MqttNet}",
    }.Where(part => !string.IsNullOrEmpty(part)));

    public static MachineInfo Collect() => new(
        Environment.ProcessorCount,
        ProcFileValue("/proc/cpuinfo", "model name", ':') ?? RuntimeInformation.ProcessArchitecture.ToString(),
        ProcFileValue("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        FirstLine("mosquitto", ["-h"], ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"])
            ?.Replace("mosquitto version", "mosquitto", StringComparison.Ordinal),
        typeof(MQTTnet.MqttClientFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion.Split('+')[0],
        FirstLine("git", ["-C", AppContext.BaseDirectory, "rev-parse", "--short", "HEAD"], ["/usr/bin/git", "/usr/local/bin/git"]));

    /// <summary>The 1-minute load average from /proc/loadavg, or null off Linux.</summary>
    public static double? LoadAverage()
    {
        try
        {
            string first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double load)
                ? load
                : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ProcFileValue(string path, string key, char separator)
    {
        try
        {
            return File.ReadLines(path)
                .Select(line => line.Split(separator, 2))
                .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
                .Select(parts => parts[1].Trim())
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>First stdout line of a short command ("mosquitto -h" prints its version first), or null.</summary>
    private static string? FirstLine(string name, string[] arguments, string[] candidates)
    {
        string executable = candidates.FirstOrDefault(File.Exists) ?? name;
        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            string output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit(5_000);
            string line = output.Split('\n', 2)[0].Trim();
            return line.Length == 0 ? null : line;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
