using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CloudSignal.Mqtt.Bench;

/// <summary>A private mosquitto on a free loopback port, unlimited inflight/queue so the broker is not the throttle.</summary>
internal sealed class MosquittoBroker : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private MosquittoBroker(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<MosquittoBroker> StartAsync()
    {
        int port = FreePort();
        string directory = Directory.CreateTempSubdirectory("cloudsignal-bench-").FullName;
        string config = Path.Combine(directory, "mosquitto.conf");
        // Same settings as the integration tests' MosquittoConfig: a finite inflight window stalls
        // pipelined QoS 1/2; 'user' keeps root from dropping to a user that cannot read our files.
        await File.WriteAllLinesAsync(config,
        [
            $"user {Environment.UserName}",
            "max_inflight_messages 0",
            "max_queued_messages 1000000",
            "max_queued_bytes 0",
            "set_tcp_nodelay true",
            "persistence false",
            "log_dest none",
            $"listener {port} 127.0.0.1",
            "allow_anonymous true",
        ]);
        var process = Process.Start(new ProcessStartInfo("mosquitto", ["-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("mosquitto did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var broker = new MosquittoBroker(process, directory, port);
        await broker.WaitListeningAsync();
        return broker;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private async Task WaitListeningAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException("mosquitto did not listen within 10 s");
    }
}
