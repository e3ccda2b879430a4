using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// The reconnect policy after an unexpected loss, on a <see cref="ManualClock"/> so every delay
/// is exact: attempt n starts ReconnectPeriod × 2^(n−1) (capped at MaxReconnectDelay) after the
/// previous one failed; MaxReconnectAttempts ends it; each attempt gives up after ConnectTimeout;
/// an authentication refusal ends it with the auth-error callback; DisconnectAsync and
/// DisposeAsync end it at once. Sockets are real: a stopped mosquitto refuses at once, and a
/// hand-driven listener that never answers CONNECT holds an attempt open.
/// (Auto-reconnect after a socket loss and ReconnectPeriod zero: <see cref="ReconnectTests"/>.)
/// </summary>
[Collection(MosquittoCollection.Name)]
public class ReconnectPolicyTests(MosquittoFixture broker)
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a call that should stop things "at once" may take, in real time (generous for a loaded CI machine).</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(2);

    /// <summary>Real-time window in which nothing may happen.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task BrokerDown_AttemptsBackOffDoublingToTheCap_ExactDelays_ThenOnlineWhenBrokerReturns()
    {
        using MosquittoInstance instance = broker.StartInstance();
        var clock = new ManualClock();
        await using var client = new CloudSignalClient(ClockOptions(clock, maxDelay: TimeSpan.FromSeconds(4)));
        var events = new ClientEvents(client, clock);
        await client.ConnectAsync(new ConnectParameters { Host = Url(instance) }).WaitAsync(ClientHarness.Step);
        await events.ExpectAsync("online");

        instance.Stop();
        await events.ExpectAsync("offline", "error MqttConnectionLostException");

        // 1 s, doubling, cut at the 4 s cap; attempt n starts at the sum of the first n delays.
        TimeSpan[] delays = [.. new[] { 1, 2, 4, 4, 4 }.Select(s => TimeSpan.FromSeconds(s))];
        TimeSpan at = TimeSpan.Zero;
        for (int attempt = 1; attempt <= delays.Length; attempt++)
        {
            at += delays[attempt - 1];
            await AdvanceToAttemptAsync(clock, events, delays[attempt - 1], $"reconnecting {attempt} at {ClientEvents.Seconds(at)}");
        }

        // Still at the cap; this time the broker is back and the attempt succeeds.
        instance.Start();
        at += TimeSpan.FromSeconds(4);
        await AdvanceToAttemptAsync(clock, events, TimeSpan.FromSeconds(4), $"reconnecting 6 at {ClientEvents.Seconds(at)}");
        await events.ExpectAsync("online");
        Assert.True(client.IsConnected);
        Assert.Equal(6, events.ReconnectingCount);

        // Connected: no further attempt is scheduled.
        clock.Advance(TimeSpan.FromHours(1));
        await events.AssertQuietAsync(Quiet);
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task Jitter_EachDelayWithinPlusMinusTheFractionOfTheBackOff_NeverAboveTheCap()
    {
        using MosquittoInstance instance = broker.StartInstance();
        var clock = new ManualClock();
        TimeSpan cap = TimeSpan.FromSeconds(8);
        // ConnectTimeout far above every delay, so the one armed timer below the cap is the back-off delay.
        await using var client = new CloudSignalClient(ClockOptions(clock, maxDelay: cap, jitter: 0.5, maxAttempts: 6, connectTimeout: TimeSpan.FromMinutes(1)));
        var events = new ClientEvents(client, clock);
        await client.ConnectAsync(new ConnectParameters { Host = Url(instance) }).WaitAsync(ClientHarness.Step);
        await events.ExpectAsync("online");
        instance.Stop();
        await events.ExpectAsync("offline", "error MqttConnectionLostException");

        var offNominal = 0;
        TimeSpan at = TimeSpan.Zero;
        for (int attempt = 1; attempt <= 6; attempt++)
        {
            // Unjittered 1, 2, 4, 8, 8, 8 s; ±50 %, and never above the cap.
            double nominal = Math.Min(cap.TotalSeconds, Math.Pow(2, attempt - 1));
            TimeSpan delay = await WaitForBackOffDelayAsync(clock, cap);
            Assert.InRange(delay.TotalSeconds, nominal * 0.5, Math.Min(cap.TotalSeconds, nominal * 1.5));
            offNominal += Math.Abs(delay.TotalSeconds - nominal) > 0.001 ? 1 : 0;

            at += delay;
            await AdvanceToAttemptAsync(clock, events, delay, $"reconnecting {attempt} at {ClientEvents.Seconds(at)}");
        }

        // Six uniform samples all within 1 ms of the nominal delay would mean no jitter was applied.
        Assert.True(offNominal > 0, "every delay was exactly the unjittered one");
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task MaxReconnectAttempts_NoAttemptAfterTheLast_EvenWhenTheBrokerReturns()
    {
        using MosquittoInstance instance = broker.StartInstance();
        var clock = new ManualClock();
        await using var client = new CloudSignalClient(ClockOptions(clock, maxAttempts: 3));
        var events = new ClientEvents(client, clock);
        await client.ConnectAsync(new ConnectParameters { Host = Url(instance) }).WaitAsync(ClientHarness.Step);
        await events.ExpectAsync("online");
        instance.Stop();
        await events.ExpectAsync("offline", "error MqttConnectionLostException");

        await AdvanceToAttemptAsync(clock, events, TimeSpan.FromSeconds(1), "reconnecting 1 at 1s");
        await AdvanceToAttemptAsync(clock, events, TimeSpan.FromSeconds(2), "reconnecting 2 at 3s");
        await AdvanceToAttemptAsync(clock, events, TimeSpan.FromSeconds(4), "reconnecting 3 at 7s");

        // Attempt 3 was the last: its refusal schedules nothing, and time and a live broker change nothing.
        await AssertNoTimerArmedAsync(clock);
        instance.Start();
        clock.Advance(TimeSpan.FromHours(1));
        await events.AssertQuietAsync(Quiet);
        Assert.Equal(3, events.ReconnectingCount);
        Assert.False(client.IsConnected);

        // Giving up is not final: ConnectAsync by hand works, and the next loss starts again from attempt 1 after 1 s.
        await client.ConnectAsync(new ConnectParameters { Host = Url(instance) }).WaitAsync(ClientHarness.Step);
        await events.ExpectAsync("online");
        instance.Stop();
        await events.ExpectAsync("offline", "error MqttConnectionLostException");
        await AdvanceToAttemptAsync(clock, events, TimeSpan.FromSeconds(1), $"reconnecting 1 at {ClientEvents.Seconds(clock.Elapsed + TimeSpan.FromSeconds(1))}");
    }

    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task EachAttempt_BoundedByConnectTimeout_ThenTheNextDelay()
    {
        await using var server = await HandDrivenListener.StartAsync();
        var clock = new ManualClock();
        await using var client = new CloudSignalClient(ClockOptions(clock, maxAttempts: 2, version: MqttProtocolVersion.V311));
        var events = new ClientEvents(client, clock);
        Task connect = client.ConnectAsync(new ConnectParameters { Host = server.Url });
        await using (HandDrivenConnection first = await server.AcceptAsync())
        {
            await first.AcceptConnectAsync();
            await connect.WaitAsync(ClientHarness.Step);
            await events.ExpectAsync("online");
        }

        // The first connection closed by the "broker": attempts follow, each one answered by silence.
        await events.ExpectAsync("offline", "error MqttConnectionLostException");
        await AdvanceToAttemptAsync(clock, events, TimeSpan.FromSeconds(1), "reconnecting 1 at 1s");
        await using HandDrivenConnection attempt1 = await server.AcceptAsync();
        await attempt1.ReadConnectAsync();
        await clock.WaitForTimerDueInAsync(ConnectTimeout);

        // One tick short of ConnectTimeout the attempt is still waiting for CONNACK ...
        clock.Advance(ConnectTimeout - Tick);
        await attempt1.AssertOpenAsync(Quiet);
        Assert.False(client.IsConnected);

        // ... at ConnectTimeout the client gives up on it, closes the socket, and waits the next delay (2 s).
        clock.Advance(Tick);
        await attempt1.WaitForCloseAsync();
        await AdvanceToAttemptAsync(clock, events, TimeSpan.FromSeconds(2), "reconnecting 2 at 8s");
        await using HandDrivenConnection attempt2 = await server.AcceptAsync();
        await attempt2.ReadConnectAsync();
        await clock.WaitForTimerDueInAsync(ConnectTimeout);
        clock.Advance(ConnectTimeout);
        await attempt2.WaitForCloseAsync();

        // MaxReconnectAttempts 2: nothing after the second timeout.
        await AssertNoTimerArmedAsync(clock);
        clock.Advance(TimeSpan.FromHours(1));
        await events.AssertQuietAsync(Quiet);
        Assert.Equal(2, events.ReconnectingCount);
        Assert.False(server.HasPendingConnection);
    }

    public static TheoryData<MqttProtocolVersion, string> AuthCases => new()
    {
        { MqttProtocolVersion.V500, "auth error 0x87" }, // Not authorized: mosquitto 2.0.11's 5.0 answer to a wrong password
        { MqttProtocolVersion.V311, "auth error 0x05" }, // Connect Return Code 5, not authorized (3.1.1 §3.2.2.3)
    };

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(AuthCases))]
    public async Task PasswordChangedWhileDown_ReconnectRefused_AuthErrorAndNoFurtherAttempt(MqttProtocolVersion version, string authError)
    {
        string directory = Directory.CreateDirectory(Path.Combine(broker.Directory, $"auth-{Guid.NewGuid():N}")).FullName;
        string passwords = Path.Combine(directory, "passwords");
        await SetPasswordAsync(passwords, "first-password");
        using MosquittoInstance instance = StartPasswordBroker(directory, passwords);
        var clock = new ManualClock();
        await using var client = new CloudSignalClient(ClockOptions(clock, version: version));
        var events = new ClientEvents(client, clock);
        await client.ConnectAsync(new ConnectParameters { Host = Url(instance), Username = "reconnect-user", Password = "first-password" }).WaitAsync(ClientHarness.Step);
        await events.ExpectAsync("online");

        // While the broker is down its password for us changes; the client still holds the old one.
        instance.Stop();
        await events.ExpectAsync("offline", "error MqttConnectionLostException");
        await SetPasswordAsync(passwords, "second-password");
        instance.Start();

        await AdvanceToAttemptAsync(clock, events, TimeSpan.FromSeconds(1), "reconnecting 1 at 1s");
        await events.ExpectAsync(authError);

        // Retrying a refused password cannot help: no next delay, no attempt, however long.
        await AssertNoTimerArmedAsync(clock);
        clock.Advance(TimeSpan.FromHours(1));
        await events.AssertQuietAsync(Quiet);
        Assert.Equal(1, events.ReconnectingCount);
        Assert.False(client.IsConnected);
    }

    public static TheoryData<string, string> StopCases => new()
    {
        { "DisconnectAsync", "waiting for the next delay" },
        { "DisposeAsync", "waiting for the next delay" },
        { "DisconnectAsync", "attempt awaiting CONNACK" },
        { "DisposeAsync", "attempt awaiting CONNACK" },
    };

    [Theory(Timeout = ClientHarness.TestTimeoutMs)]
    [MemberData(nameof(StopCases))]
    public async Task StopCall_WhileReconnecting_ReturnsPromptly_AndNoAttemptFollows(string call, string phase)
    {
        await using var server = await HandDrivenListener.StartAsync();
        var clock = new ManualClock();
        var client = new CloudSignalClient(ClockOptions(clock, version: MqttProtocolVersion.V311));
        try
        {
            var events = new ClientEvents(client, clock);
            Task connect = client.ConnectAsync(new ConnectParameters { Host = server.Url });
            await using (HandDrivenConnection first = await server.AcceptAsync())
            {
                await first.AcceptConnectAsync();
                await connect.WaitAsync(ClientHarness.Step);
            }

            await events.ExpectAsync("online", "offline", "error MqttConnectionLostException");
            HandDrivenConnection? inFlight = null;
            if (phase == "attempt awaiting CONNACK")
            {
                await AdvanceToAttemptAsync(clock, events, TimeSpan.FromSeconds(1), "reconnecting 1 at 1s");
                inFlight = await server.AcceptAsync();
                await inFlight.ReadConnectAsync();
            }
            else
            {
                await clock.WaitForTimerDueInAsync(TimeSpan.FromSeconds(1));
            }

            var stopwatch = Stopwatch.StartNew();
            Task stop = call == "DisconnectAsync" ? client.DisconnectAsync() : client.DisposeAsync().AsTask();
            await stop.WaitAsync(Prompt);
            Assert.True(stopwatch.Elapsed < Prompt, $"{call} took {stopwatch.Elapsed}");

            if (inFlight is not null)
            {
                // The attempt's socket is closed, not left waiting for ConnectTimeout.
                await inFlight.WaitForCloseAsync(Prompt);
                await inFlight.DisposeAsync();
            }

            // No attempt, however much time passes: the pending delay (or the next one) was cancelled.
            clock.Advance(TimeSpan.FromHours(1));
            await events.AssertQuietAsync(Quiet);
            Assert.Equal(inFlight is null ? 0 : 1, events.ReconnectingCount);
            Assert.False(server.HasPendingConnection);
            Assert.False(client.IsConnected);
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    /// <remarks>
    /// Inbound traffic while the DISCONNECT is being written: the read loop sees the session closed
    /// and tears the link down, which must not swallow the close (offline callback, DisconnectAsync's
    /// completion). Real clock, as an application sees it: a lost close shows as DisconnectAsync
    /// waiting out its 5 s fallback and no offline callback. The window is microseconds wide (about
    /// 1 disconnect in 20-25 hit it here), so up to 150 rounds of ~25 ms, stopping at the first miss.
    /// </remarks>
    [Fact(Timeout = ClientHarness.TestTimeoutMs)]
    public async Task DisconnectAsync_WhileMessagesStreamIn_ReturnsPromptly_OfflineOnce()
    {
        const int Rounds = 150;
        await using var server = await HandDrivenListener.StartAsync();
        for (int round = 1; round <= Rounds; round++)
        {
            await using var client = new CloudSignalClient(new CloudSignalOptions { ProtocolVersion = MqttProtocolVersion.V311, ConnectTimeout = ConnectTimeout, ReconnectPeriod = TimeSpan.Zero });
            int offline = 0;
            var offlineSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.SetOfflineCallback(() =>
            {
                Interlocked.Increment(ref offline);
                offlineSeen.TrySetResult();
            });
            client.SetMessageCallback(_ => received.TrySetResult());
            Task connect = client.ConnectAsync(new ConnectParameters { Host = server.Url });
            await using HandDrivenConnection connection = await server.AcceptAsync();
            await connection.AcceptConnectAsync();
            await connect.WaitAsync(ClientHarness.Step);
            Task flood = connection.FloodAsync();
            await received.Task.WaitAsync(ClientHarness.Step);

            Task disconnect = client.DisconnectAsync();
            bool prompt = await Task.WhenAny(disconnect, Task.Delay(Prompt)) == disconnect;
            bool wentOffline = await Task.WhenAny(offlineSeen.Task, Task.Delay(prompt ? Prompt : TimeSpan.Zero)) == offlineSeen.Task;
            Assert.True(prompt && wentOffline && Volatile.Read(ref offline) == 1, $"round {round}: DisconnectAsync {(prompt ? "returned" : $"still running after {Prompt.TotalSeconds} s")}, offline callbacks {Volatile.Read(ref offline)}");

            await connection.DisposeAsync();
            await flood.WaitAsync(ClientHarness.Step);
        }
    }

    /// <summary>Waits for the loop to arm its <paramref name="delay"/>; one tick short nothing happens, at the delay the attempt starts.</summary>
    private static async Task AdvanceToAttemptAsync(ManualClock clock, ClientEvents events, TimeSpan delay, string expected)
    {
        await clock.WaitForTimerDueInAsync(delay);
        clock.Advance(delay - Tick);
        events.AssertNonePending();
        clock.Advance(Tick);
        await events.ExpectAsync(expected);
    }

    /// <summary>The delay the reconnect loop arms next: the one armed timer not longer than <paramref name="cap"/>.</summary>
    private static async Task<TimeSpan> WaitForBackOffDelayAsync(ManualClock clock, TimeSpan cap)
    {
        using var cts = new CancellationTokenSource(ClientHarness.Step);
        while (true)
        {
            TimeSpan[] armed = [.. clock.ArmedDueIn().Where(d => d <= cap)];
            if (armed.Length > 0)
            {
                return Assert.Single(armed);
            }

            await Task.Delay(5, cts.Token);
        }
    }

    /// <summary>
    /// After the last attempt: once that attempt's own connect timeout timer is gone, no timer is
    /// armed again (the loop scheduled no further delay) for a real-time window.
    /// </summary>
    private static async Task AssertNoTimerArmedAsync(ManualClock clock)
    {
        using (var cts = new CancellationTokenSource(ClientHarness.Step))
        {
            while (clock.ArmedTimers != 0)
            {
                await Task.Delay(5, cts.Token);
            }
        }

        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < Quiet)
        {
            Assert.True(clock.ArmedTimers == 0, $"armed after the last attempt: {string.Join(", ", clock.ArmedDueIn())}");
            await Task.Delay(10);
        }
    }

    private static CloudSignalOptions ClockOptions(
        ManualClock clock,
        TimeSpan? maxDelay = null,
        double jitter = 0,
        int? maxAttempts = null,
        MqttProtocolVersion version = MqttProtocolVersion.V500,
        TimeSpan? connectTimeout = null) => new()
        {
            ProtocolVersion = version,
            TimeProvider = clock,
            KeepAlive = TimeSpan.Zero,
            ConnectTimeout = connectTimeout ?? ConnectTimeout,
            ReconnectPeriod = TimeSpan.FromSeconds(1),
            MaxReconnectDelay = maxDelay ?? TimeSpan.FromSeconds(30),
            ReconnectJitter = jitter,
            MaxReconnectAttempts = maxAttempts,
        };

    private static string Url(MosquittoInstance instance) => $"mqtt://127.0.0.1:{instance.Port(MosquittoFixture.Tcp)}";

    private static async Task SetPasswordAsync(string file, string password)
    {
        ToolResult result = await ToolProcess.RunAsync(MosquittoTools.Passwd, ["-b", "-c", file, "reconnect-user", password], ClientHarness.Step);
        Assert.True(result.ExitCode == 0 && !result.TimedOut, result.ToString());
    }

    /// <summary>A broker of our own whose one listener checks passwords (the fixture's instances allow anonymous).</summary>
    private static MosquittoInstance StartPasswordBroker(string directory, string passwords)
    {
        int port = FreePorts.Take(1)[0];
        string config = Path.Combine(directory, "mosquitto.conf");
        string log = Path.Combine(directory, "mosquitto.log");
        File.WriteAllText(config, MosquittoConfig.Global(log, persistenceDirectory: null)
            + MosquittoConfig.Listener("username/password", port, "allow_anonymous false", $"password_file {passwords}"));
        var instance = new MosquittoInstance(config, log, [new MosquittoListener(MosquittoFixture.Tcp, port)], null);
        try
        {
            instance.Start();
            return instance;
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }

    /// <summary>A loopback listener the test drives by hand: accept, answer CONNECT or stay silent, close.</summary>
    private sealed class HandDrivenListener : IAsyncDisposable
    {
        private readonly TcpListener _listener;

        private HandDrivenListener(TcpListener listener) => _listener = listener;

        public string Url => $"mqtt://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        /// <summary>A connection the test has not accepted yet is waiting (the client tried again).</summary>
        public bool HasPendingConnection => _listener.Pending();

        public static Task<HandDrivenListener> StartAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new HandDrivenListener(listener));
        }

        public async Task<HandDrivenConnection> AcceptAsync()
        {
            using var cts = new CancellationTokenSource(ClientHarness.Step);
            TcpClient tcp = await _listener.AcceptTcpClientAsync(cts.Token);
            return new HandDrivenConnection(tcp);
        }

        public ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>One accepted connection; the MQTT it speaks is hand-written 3.1.1.</summary>
    private sealed class HandDrivenConnection(TcpClient tcp) : IAsyncDisposable
    {
        private readonly NetworkStream _stream = tcp.GetStream();
        private Task? _drain;

        /// <summary>Reads one whole CONNECT (3.1.1 §3.1) and returns its protocol level.</summary>
        public async Task ReadConnectAsync()
        {
            using var cts = new CancellationTokenSource(ClientHarness.Step);
            byte[] one = new byte[1];
            await _stream.ReadExactlyAsync(one, cts.Token);
            Assert.Equal(0x10, one[0]);
            int length = 0;
            for (int shift = 0; ; shift += 7)
            {
                await _stream.ReadExactlyAsync(one, cts.Token);
                length |= (one[0] & 0x7F) << shift;
                if ((one[0] & 0x80) == 0)
                {
                    break;
                }
            }

            await _stream.ReadExactlyAsync(new byte[length], cts.Token);
        }

        /// <summary>Reads CONNECT and accepts it (CONNACK, session present 0, return code 0).</summary>
        public async Task AcceptConnectAsync()
        {
            await ReadConnectAsync();
            await _stream.WriteAsync(RawMqtt.ConnAckAccepted);
        }

        /// <summary>Sends QoS 0 PUBLISHes (3.1.1 §3.3, topic "t", 10-byte payload) until the socket fails.</summary>
        public async Task FloodAsync()
        {
            byte[] one = [0x30, 0x0D, 0x00, 0x01, (byte)'t', .. new byte[10]];
            byte[] burst = [.. Enumerable.Repeat(one, 200).SelectMany(b => b)];
            try
            {
                while (true)
                {
                    await _stream.WriteAsync(burst);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
            {
                // The client (or the test) closed the connection.
            }
        }

        /// <summary>Asserts that the client keeps the socket open for <paramref name="window"/>.</summary>
        public async Task AssertOpenAsync(TimeSpan window)
        {
            Task drain = Drain();
            Assert.NotSame(drain, await Task.WhenAny(drain, Task.Delay(window)));
        }

        /// <summary>Waits until the client closes the socket (anything it sends before, e.g. DISCONNECT, is skipped).</summary>
        public Task WaitForCloseAsync(TimeSpan? timeout = null) => Drain().WaitAsync(timeout ?? ClientHarness.Step);

        public ValueTask DisposeAsync()
        {
            tcp.Dispose();
            return ValueTask.CompletedTask;
        }

        private Task Drain() => _drain ??= DrainAsync();

        private async Task DrainAsync()
        {
            byte[] buffer = new byte[256];
            try
            {
                while (await _stream.ReadAsync(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
                // Reset by the client: closed too.
            }
        }
    }
}
