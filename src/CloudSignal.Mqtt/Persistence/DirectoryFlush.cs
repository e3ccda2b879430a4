using System.Runtime.InteropServices;
using System.Text;

namespace CloudSignal.Mqtt.Persistence;

/// <summary>
/// Makes a rename durable. A rename changes the directory, not the file: until the directory is
/// flushed, a power loss can bring back the old entry, and with it the replaced log, while later
/// appends went into the new one. .NET cannot open a directory (it throws
/// UnauthorizedAccessException), so on Unix this calls open/fsync/close in libc. On Windows there
/// is no way to flush a directory; NTFS journals the rename (and the replaced log holds the same
/// state, so only appends after the compaction are at risk there).
/// </summary>
internal static class DirectoryFlush
{
    private const int ReadOnly = 0; // O_RDONLY on Linux, macOS and the BSDs

    /// <summary>
    /// Flushes <paramref name="directory"/> to the device. Returns false when this platform cannot
    /// (Windows, or no libc); throws <see cref="IOException"/> when the flush itself fails.
    /// </summary>
    public static bool Flush(string directory)
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsBrowser() || OperatingSystem.IsWasi())
        {
            return false;
        }

        byte[] path = Encoding.UTF8.GetBytes(directory + "\0");
        int descriptor;
        try
        {
            descriptor = Open(path, ReadOnly);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }

        if (descriptor < 0)
        {
            // Not readable (a write-only directory): nothing better to do than the rename alone.
            return false;
        }

        try
        {
            if (FSync(descriptor) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new IOException($"Flushing the directory '{directory}' to disk failed (errno {errno}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }

        return true;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int FSync(int descriptor);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int descriptor);
}
