namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// The sans-IO rule, checked on the source: the Protocol and Session layers touch no socket,
/// stream, task timer or wall clock. Time comes from the injected TimeProvider only.
/// </summary>
public class SessionSourceRulesTests
{
    private static readonly string[] Banned =
    [
        "System.Net.Sockets", "Socket", "Stream", "NetworkStream", "SslStream", "WebSocket",
        "DateTime.Now", "DateTime.UtcNow", "DateTimeOffset.Now", "DateTimeOffset.UtcNow", "Environment.TickCount",
        "Stopwatch", "Task.Delay", "Thread.Sleep", "new Timer", "PeriodicTimer", "TimeProvider.System",
    ];

    [Theory]
    [InlineData("Session")]
    [InlineData("Protocol")]
    public void LayerSource_Scanned_UsesNoIoOrWallClock(string layer)
    {
        string root = FindRepositoryRoot();
        string folder = Path.Combine(root, "src", "CloudSignal.Mqtt", layer);
        string[] files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories);
        Assert.NotEmpty(files);

        var offences = new List<string>();
        foreach (string file in files)
        {
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = StripComment(lines[i]);
                foreach (string banned in Banned)
                {
                    if (System.Text.RegularExpressions.Regex.IsMatch(code, $@"(?<![\w.]){System.Text.RegularExpressions.Regex.Escape(banned)}(?!\w)"))
                    {
                        offences.Add($"{Path.GetFileName(file)}:{i + 1}: {banned}");
                    }
                }
            }
        }

        Assert.Empty(offences);
    }

    private static string StripComment(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        string code = comment >= 0 ? line[..comment] : line;
        return code.TrimStart().StartsWith('*') ? string.Empty : code;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudSignal.Mqtt.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("CloudSignal.Mqtt.sln not found above " + AppContext.BaseDirectory);
    }
}
