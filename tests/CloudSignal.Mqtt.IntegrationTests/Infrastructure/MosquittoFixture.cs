using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudSignal.Mqtt.IntegrationTests.Infrastructure;

/// <summary>Tests that talk to mosquitto join this collection: <c>[Collection(MosquittoCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class MosquittoCollection : ICollectionFixture<MosquittoFixture>
{
    public const string Name = "mosquitto";
}

/// <summary>
/// A real mosquitto broker for the integration tests: one child process per test run with a
/// generated config, a CA and server certificate made at test time, and five loopback listeners
/// (plain TCP, TLS, WebSocket, WebSocket over TLS, username/password). Extra brokers, e.g.
/// persistent ones for kill -9 tests, come from <see cref="StartInstance"/>. Missing mosquitto
/// fails every test in the collection with the install command; nothing is skipped.
/// </summary>
public sealed class MosquittoFixture : IDisposable
{
    /// <summary>A CloudSignal-style username ('@' included) accepted by the password listener.</summary>
    public const string AgentUsername = "agent-001@a1b2c3d4-e5f6-7890-abcd-ef1234567890";

    /// <summary>A second, plain username on the password listener.</summary>
    public const string PlainUsername = "plain-user";

    public const string Tcp = "tcp";
    public const string Tls = "tls";
    public const string Ws = "ws";
    public const string Wss = "wss";
    public const string Auth = "auth";

    private const int PortAttempts = 3;
    private static readonly TimeSpan PasswdTimeout = TimeSpan.FromSeconds(10);

    private readonly List<MosquittoInstance> _instances = [];
    private int _instanceCount;

    public MosquittoFixture()
    {
        var stopwatch = Stopwatch.StartNew();
        // If the test host exits without disposing fixtures (Ctrl+C, a crash that still runs
        // exit handlers), the brokers must not outlive it.
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        Directory = System.IO.Directory.CreateTempSubdirectory("cloudsignal-mosquitto-").FullName;
        try
        {
            Certificates = TestCertificates.Create(Directory);
            Password = NewPassword();
            PlainPassword = NewPassword();
            PasswordFile = Path.Combine(Directory, "passwords");
            RunPasswd("-b", "-c", PasswordFile, AgentUsername, Password);
            RunPasswd("-b", PasswordFile, PlainUsername, PlainPassword);

            string logPath = Path.Combine(Directory, "mosquitto.log");
            Broker = Launch(Path.Combine(Directory, "mosquitto.conf"), logPath, null, [Tcp, Tls, Ws, Wss, Auth], ports =>
                MosquittoConfig.Global(logPath, persistenceDirectory: null)
                + MosquittoConfig.Listener("plain TCP", ports[0], "allow_anonymous true")
                + MosquittoConfig.Listener("TLS", ports[1], ["allow_anonymous true", .. MosquittoConfig.Tls(Certificates)])
                + MosquittoConfig.Listener("WebSocket (any path is accepted)", ports[2], [.. MosquittoConfig.WebSockets(), "allow_anonymous true"])
                + MosquittoConfig.Listener("WebSocket over TLS", ports[3], [.. MosquittoConfig.WebSockets(), "allow_anonymous true", .. MosquittoConfig.Tls(Certificates)])
                + MosquittoConfig.Listener("username/password", ports[4], "allow_anonymous false", $"password_file {PasswordFile}"));
        }
        catch
        {
            Dispose();
            throw;
        }

        StartupTime = stopwatch.Elapsed;
    }

    /// <summary>The temp directory holding config, certificates, password file and log.</summary>
    public string Directory { get; }

    public MosquittoInstance Broker { get; } = null!;

    public TestCertificates Certificates { get; } = null!;

    /// <summary>Whole fixture set-up: certificates, password file, broker start, ports ready.</summary>
    public TimeSpan StartupTime { get; }

    public string TcpUrl => $"mqtt://127.0.0.1:{Broker.Port(Tcp)}";

    /// <summary>Host <c>localhost</c>: the name the server certificate carries (SNI and name check).</summary>
    public string TlsUrl => $"mqtts://localhost:{Broker.Port(Tls)}";

    /// <summary>mosquitto serves MQTT on any WebSocket path; <c>/mqtt</c> is the conventional one.</summary>
    public string WsUrl => $"ws://127.0.0.1:{Broker.Port(Ws)}/mqtt";

    public string WssUrl => $"wss://localhost:{Broker.Port(Wss)}/mqtt";

    /// <summary>The listener with <c>allow_anonymous false</c>: log in as <see cref="Username"/>/<see cref="Password"/>.</summary>
    public string AuthUrl => $"mqtt://127.0.0.1:{Broker.Port(Auth)}";

    public X509Certificate2 CaCertificate => Certificates.CaCertificate;

    public string CaFile => Certificates.CaFile;

    public string Username => AgentUsername;

    public string Password { get; } = "";

    public string PlainPassword { get; } = "";

    public string PasswordFile { get; } = "";

    public string LogPath => Broker.LogPath;

    /// <summary>mosquitto_sub/mosquitto_pub connection arguments for each listener.</summary>
    public string[] TcpArgs => ["-h", "127.0.0.1", "-p", Port(Tcp)];

    public string[] TlsArgs => ["-h", "localhost", "-p", Port(Tls), "--cafile", CaFile];

    public string[] AuthArgs => ["-h", "127.0.0.1", "-p", Port(Auth), "-u", Username, "-P", Password];

    public string ReadLog() => Broker.ReadLog();

    /// <summary>Starts mosquitto_sub against the main broker; await its <c>WaitUntilSubscribedAsync</c> before publishing.</summary>
    public MosquittoSub StartMosquittoSub(IEnumerable<string> arguments) => MosquittoSub.Start(Broker, arguments);

    /// <summary>Runs mosquitto_sub to completion (give it <c>-C n</c> or <c>-W secs</c>); killed after <paramref name="timeout"/>.</summary>
    public static Task<ToolResult> RunMosquittoSub(IEnumerable<string> arguments, TimeSpan timeout) =>
        ToolProcess.RunAsync(MosquittoTools.Sub, arguments, timeout);

    /// <summary>Runs mosquitto_pub; <paramref name="stdin"/> feeds <c>-s</c> (one binary message) or <c>-l</c>.</summary>
    public static Task<ToolResult> RunMosquittoPub(IEnumerable<string> arguments, TimeSpan? timeout = null, byte[]? stdin = null) =>
        ToolProcess.RunAsync(MosquittoTools.Pub, arguments, timeout ?? TimeSpan.FromSeconds(10), stdin);

    /// <summary>
    /// Starts a separate broker with one plain TCP listener (named <see cref="Tcp"/>), e.g. a
    /// persistent one to stop, kill -9 and start again. <paramref name="extraConfig"/> is appended
    /// to the global section (e.g. <c>autosave_interval 1</c>). Stopped when the fixture is disposed.
    /// </summary>
    public MosquittoInstance StartInstance(bool persistent = false, string? directory = null, string? extraConfig = null)
    {
        int number = Interlocked.Increment(ref _instanceCount);
        directory ??= Path.Combine(Directory, $"instance-{number}");
        System.IO.Directory.CreateDirectory(directory);
        string? dataDirectory = persistent ? System.IO.Directory.CreateDirectory(Path.Combine(directory, "data")).FullName : null;
        string logPath = Path.Combine(directory, "mosquitto.log");
        return Launch(Path.Combine(directory, "mosquitto.conf"), logPath, dataDirectory, [Tcp], ports =>
            MosquittoConfig.Global(logPath, dataDirectory)
            + (extraConfig is null ? "" : extraConfig.TrimEnd() + Environment.NewLine)
            + MosquittoConfig.Listener("plain TCP", ports[0], "allow_anonymous true"));
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        List<MosquittoInstance> instances;
        lock (_instances)
        {
            instances = [.. _instances];
            _instances.Clear();
        }

        foreach (MosquittoInstance instance in instances)
        {
            instance.Dispose();
        }

        // Keep the config, log and certificates for a post-mortem when asked to.
        if (Environment.GetEnvironmentVariable("CLOUDSIGNAL_KEEP_BROKER_DIR") is null)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temp directory.
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    private string Port(string listener) => Broker.Port(listener).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the config for fresh free ports and starts it; retries if a port was taken meanwhile.</summary>
    private MosquittoInstance Launch(string configPath, string logPath, string? dataDirectory, string[] names, Func<int[], string> config)
    {
        for (int attempt = 1; ; attempt++)
        {
            int[] ports = FreePorts.Take(names.Length);
            File.WriteAllText(configPath, config(ports));
            var instance = new MosquittoInstance(configPath, logPath, [.. names.Zip(ports, (n, p) => new MosquittoListener(n, p))], dataDirectory);
            try
            {
                instance.Start();
            }
            catch (InvalidOperationException e) when (attempt < PortAttempts && e.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
                instance.Dispose();
                continue;
            }
            catch
            {
                instance.Dispose();
                throw;
            }

            lock (_instances)
            {
                _instances.Add(instance);
            }

            return instance;
        }
    }

    private static void RunPasswd(params string[] arguments)
    {
        ToolResult result = ToolProcess.RunAsync(MosquittoTools.Passwd, arguments, PasswdTimeout).GetAwaiter().GetResult();
        if (result.ExitCode != 0 || result.TimedOut)
        {
            throw new InvalidOperationException($"mosquitto_passwd failed:\n{result}");
        }
    }

    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
