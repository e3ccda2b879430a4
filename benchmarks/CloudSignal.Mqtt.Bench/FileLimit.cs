using System.Runtime.InteropServices;

namespace CloudSignal.Mqtt.Bench;

/// <summary>
/// RLIMIT_NOFILE via libc: 10,000 sockets need more descriptors than the common soft limit of 1,024.
/// Child processes (the broker) inherit the limit, so raise it before starting them.
/// </summary>
internal static class FileLimit
{
    private const int RlimitNofile = 7; // Linux x86-64 and arm64

    /// <summary>
    /// Raises the soft limit to the hard limit; returns (soft, hard) afterwards, or null off Linux.
    /// <paramref name="softBefore"/> is the soft limit found: the .NET runtime already raises it to the
    /// hard limit at startup on Linux, so this is a no-op there unless something lowered it since.
    /// </summary>
    public static (ulong Soft, ulong Hard)? RaiseToHard(out ulong softBefore, out string? error)
    {
        error = null;
        softBefore = 0;
        if (!OperatingSystem.IsLinux())
        {
            error = "not Linux: limit left as is";
            return null;
        }

        if (getrlimit(RlimitNofile, out Rlimit limit) != 0)
        {
            error = $"getrlimit failed (errno {Marshal.GetLastPInvokeError()})";
            return null;
        }

        softBefore = limit.Current;
        if (limit.Current < limit.Maximum)
        {
            var raised = new Rlimit { Current = limit.Maximum, Maximum = limit.Maximum };
            if (setrlimit(RlimitNofile, in raised) != 0)
            {
                error = $"setrlimit to {limit.Maximum} failed (errno {Marshal.GetLastPInvokeError()}); soft limit stays {limit.Current}";
                return (limit.Current, limit.Maximum);
            }

            limit = raised;
        }

        return (limit.Current, limit.Maximum);
    }

    /// <summary>The "Max open files" line of /proc/PID/limits (what a child such as mosquitto really got).</summary>
    public static string OfProcess(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal))
                ?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, _, _, string soft, string hard, ..]
                ? $"{soft}/{hard}" : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe blocks, which this project does not allow.
    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out Rlimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in Rlimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
