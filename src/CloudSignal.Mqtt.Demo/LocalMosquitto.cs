using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CloudSignal.Mqtt.Demo;

/// <summary>A throwaway mosquitto on a free loopback port, installed with apt-get if missing (the demo and the end-to-end benchmark).</summary>
internal sealed class LocalMosquitto : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private LocalMosquitto(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<LocalMosquitto> StartAsync()
    {
        string executable = Find() ?? Install();
        int port = FreePort();
        string directory = Directory.CreateTempSubdirectory("cloudsignal-demo-").FullName;
        string config = Path.Combine(directory, "mosquitto.conf");
        // Unlimited inflight and queue, so the broker is not the throttle (a finite inflight window
        // stalls pipelined QoS 1/2); 'user' keeps root from dropping to a user that cannot read our files.
        await File.WriteAllTextAsync(config, $"""
            user {Environment.UserName}
            listener {port} 127.0.0.1
            allow_anonymous true
            max_inflight_messages 0
            max_queued_messages 1000000
            max_queued_bytes 0
            set_tcp_nodelay true
            persistence false
            log_dest none
            """);
        var process = Process.Start(new ProcessStartInfo(executable, ["-c", config]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("mosquitto did not start");
        var broker = new LocalMosquitto(process, directory, port);
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return broker;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        broker.Dispose();
        throw new InvalidOperationException($"mosquitto did not listen on {port} (config: {config})");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5_000);
            }
        }
        finally
        {
            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string? Find() =>
        new[] { "/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto" }.FirstOrDefault(File.Exists);

    private static string Install()
    {
        Console.WriteLine("mosquitto not found; installing it with apt-get (needs root) ...");
        Run("apt-get", "update -qq");
        Run("apt-get", "install -y -qq mosquitto");
        return Find() ?? throw new InvalidOperationException("apt-get did not install mosquitto; install it and run again.");
    }

    private static void Run(string file, string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo(file, arguments) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"could not run {file}");
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed with exit code {p.ExitCode}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
