using System.Diagnostics;
using System.Text;

namespace CloudSignal.Mqtt.IntegrationTests.Infrastructure;

/// <summary>What a command-line tool did: exit code, stdout as raw bytes (payloads are binary), stderr as text.</summary>
public sealed record ToolResult(string Command, int ExitCode, byte[] Stdout, string Stderr, bool TimedOut)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    /// <summary>Shown by assertion messages, so a failure says what ran and what it printed.</summary>
    public override string ToString() =>
        $"{Command}\n  exit {ExitCode}{(TimedOut ? " (killed after timeout)" : "")}\n  stdout: {StdoutText}\n  stderr: {Stderr}";
}

/// <summary>
/// A short-lived child process (mosquitto_sub, mosquitto_pub, mosquitto_passwd) whose stdout is
/// captured byte for byte. Every wait is bounded: on timeout the process is killed.
/// </summary>
public sealed class ToolProcess : IDisposable
{
    private readonly Process _process;
    private readonly MemoryStream _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutCopy;
    private readonly Task _stderrCopy;

    private ToolProcess(string file, IReadOnlyList<string> arguments, byte[]? stdin)
    {
        Command = file + " " + string.Join(' ', arguments.Select(Quote));
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Command}");
        _stdoutCopy = _process.StandardOutput.BaseStream.CopyToAsync(_stdout);
        _stderrCopy = CopyErrorAsync();
        _ = WriteInputAsync(stdin);
    }

    public string Command { get; }

    public bool HasExited => _process.HasExited;

    public static ToolProcess Start(string file, IEnumerable<string> arguments, byte[]? stdin = null) =>
        new(file, [.. arguments], stdin);

    /// <summary>Starts, waits at most <paramref name="timeout"/>, and returns what happened.</summary>
    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, byte[]? stdin = null)
    {
        using ToolProcess process = Start(file, arguments, stdin);
        return await process.WaitAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>Waits for exit; after <paramref name="timeout"/> kills the process and reports <c>TimedOut</c>.</summary>
    public async Task<ToolResult> WaitAsync(TimeSpan timeout)
    {
        bool timedOut = false;
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                Kill();
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(_stdoutCopy, _stderrCopy).ConfigureAwait(false);
        string stderr;
        lock (_stderr)
        {
            stderr = _stderr.ToString();
        }

        return new ToolResult(Command, _process.ExitCode, _stdout.ToArray(), stderr, timedOut);
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _stdout.Dispose();
    }

    private async Task CopyErrorAsync()
    {
        char[] buffer = new char[1024];
        int read;
        while ((read = await _process.StandardError.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_stderr)
            {
                _stderr.Append(buffer, 0, read);
            }
        }
    }

    private async Task WriteInputAsync(byte[]? stdin)
    {
        try
        {
            if (stdin is not null)
            {
                await _process.StandardInput.BaseStream.WriteAsync(stdin).ConfigureAwait(false);
            }

            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool exited before reading its input; its exit code tells the story.
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && !argument.Any(char.IsWhiteSpace) ? argument : $"'{argument}'";
}
