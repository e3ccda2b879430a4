using System.Globalization;

namespace CloudSignal.Mqtt.Bench;

/// <summary>Linux /proc reads: the broker child's pid and resident memory (LocalMosquitto does not expose its process).</summary>
internal static class ProcessProbe
{
    /// <summary>The newest child of this process named <paramref name="name"/>, or null.</summary>
    public static int? FindChild(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        int self = Environment.ProcessId;
        int? newest = null;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after the last ')'.
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int close = stat.LastIndexOf(')');
                string comm = stat[(stat.IndexOf('(') + 1)..close];
                string[] rest = stat[(close + 2)..].Split(' ');
                if (comm == name && int.Parse(rest[1], CultureInfo.InvariantCulture) == self && pid > (newest ?? 0))
                {
                    newest = pid;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return newest;
    }

    /// <summary>VmRSS of a process in bytes, or 0 if unreadable.</summary>
    public static long ResidentBytes(int pid)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The 1/5/15-minute load averages: a run on a shared 2-core box is only as quiet as this says.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
