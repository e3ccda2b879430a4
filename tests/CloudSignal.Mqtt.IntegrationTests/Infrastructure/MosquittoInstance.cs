using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace CloudSignal.Mqtt.IntegrationTests.Infrastructure;

/// <summary>One listener of a generated config: a name for messages and its loopback port.</summary>
public sealed record MosquittoListener(string Name, int Port);

/// <summary>
/// One mosquitto child process (<c>mosquitto -c CONFIG</c>) with a fixed config and fixed ports,
/// so it can be stopped, killed and started again on the same ports (persistence tests).
/// Never the system service: the process is ours and is stopped by PID.
/// </summary>
public sealed partial class MosquittoInstance : IDisposable
{
    private const int SigTerm = 15;
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly StringBuilder _output = new();
    private Process? _process;

    internal MosquittoInstance(string configPath, string logPath, IReadOnlyList<MosquittoListener> listeners, string? dataDirectory)
    {
        ConfigPath = configPath;
        LogPath = logPath;
        Listeners = listeners;
        DataDirectory = dataDirectory;
    }

    public string ConfigPath { get; }

    public string LogPath { get; }

    /// <summary>The persistence directory, or null when the instance runs with <c>persistence false</c>.</summary>
    public string? DataDirectory { get; }

    public IReadOnlyList<MosquittoListener> Listeners { get; }

    /// <summary>How long <see cref="Start"/> waits for every port to accept a TCP connection.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time the last <see cref="Start"/> took, from process start to every port accepting.</summary>
    public TimeSpan LastStartDuration { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => IsRunning ? _process!.Id : null;

    public int Port(string listenerName) =>
        Listeners.FirstOrDefault(l => l.Name == listenerName)?.Port
        ?? throw new ArgumentException($"No listener named '{listenerName}'", nameof(listenerName));

    /// <summary>
    /// Starts <c>mosquitto -c CONFIG</c> and returns once every listener accepts a TCP connection.
    /// Fails (with the broker's output and log) if it exits or is not ready within <see cref="StartTimeout"/>.
    /// </summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("mosquitto is already running");
        }

        _process?.Dispose();
        lock (_output)
        {
            _output.Clear();
        }

        var stopwatch = Stopwatch.StartNew();
        var start = new ProcessStartInfo(MosquittoTools.Broker)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(ConfigPath);
        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start mosquitto");
        process.OutputDataReceived += (_, e) => AppendOutput(e.Data);
        process.ErrorDataReceived += (_, e) => AppendOutput(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var pending = new List<MosquittoListener>(Listeners);
        while (pending.Count > 0)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException($"mosquitto exited with code {process.ExitCode} during start-up.\n{Diagnostics()}");
            }

            if (stopwatch.Elapsed > StartTimeout)
            {
                string waiting = string.Join(", ", pending.Select(l => $"{l.Name} :{l.Port}"));
                Kill();
                throw new InvalidOperationException($"mosquitto did not accept connections on {waiting} within {StartTimeout.TotalSeconds} s.\n{Diagnostics()}");
            }

            pending.RemoveAll(l => Accepts(l.Port));
            if (pending.Count > 0)
            {
                Thread.Sleep(10);
            }
        }

        LastStartDuration = stopwatch.Elapsed;
    }

    /// <summary>SIGTERM (mosquitto saves its persistence database), then SIGKILL after a grace period.</summary>
    public void Stop()
    {
        if (!IsRunning)
        {
            return;
        }

        Process process = _process!;
        if (SendSignal(process.Id, SigTerm) != 0 || !process.WaitForExit(StopGrace))
        {
            process.Kill();
        }

        process.WaitForExit();
    }

    /// <summary>SIGKILL: an abrupt broker crash, nothing saved since the last autosave.</summary>
    public void Kill()
    {
        if (!IsRunning)
        {
            return;
        }

        _process!.Kill();
        _process.WaitForExit();
    }

    /// <summary>Current size of the log; pass it to <see cref="ReadLog(long)"/> or <see cref="WaitForLogAsync"/> to see only later lines.</summary>
    public long LogLength => File.Exists(LogPath) ? new FileInfo(LogPath).Length : 0;

    /// <summary>The broker's log file from byte <paramref name="fromOffset"/> (shared read: mosquitto keeps it open).</summary>
    public string ReadLog(long fromOffset = 0)
    {
        if (!File.Exists(LogPath))
        {
            return "";
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(fromOffset, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Waits until the log written after <paramref name="fromOffset"/> contains <paramref name="inOrder"/>
    /// in that order (mosquitto flushes each line). E.g. "Received PUBLISH" then "Saving in-memory
    /// database" before a kill -9: the broker sends PUBACK before it autosaves, so a PUBACK alone
    /// does not prove the message is on disk.
    /// </summary>
    public async Task WaitForLogAsync(long fromOffset, TimeSpan timeout, params string[] inOrder)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (!ContainsInOrder(ReadLog(fromOffset), inOrder))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The log did not show '{string.Join("' then '", inOrder)}' within {timeout.TotalSeconds} s.\n{Diagnostics()}");
            }

            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>stdout/stderr (config errors appear there before the log file opens) and the log.</summary>
    public string Diagnostics()
    {
        string output;
        lock (_output)
        {
            output = _output.ToString();
        }

        return $"config: {ConfigPath}\n--- mosquitto stdout/stderr ---\n{output}--- {LogPath} ---\n{ReadLog()}";
    }

    public void Dispose()
    {
        Stop();
        _process?.Dispose();
        _process = null;
    }

    private void AppendOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static bool ContainsInOrder(string log, string[] texts)
    {
        int index = 0;
        foreach (string text in texts)
        {
            index = log.IndexOf(text, index, StringComparison.Ordinal);
            if (index < 0)
            {
                return false;
            }

            index += text.Length;
        }

        return true;
    }

    private static bool Accepts(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Loopback refuses at once when nothing listens; the timeout only guards a full backlog.
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cts.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    // kill(2) from libc: .NET's Process.Kill only sends SIGKILL, and SIGKILL skips mosquitto's
    // save-on-exit that persistence tests rely on.
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
