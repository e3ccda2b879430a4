using System.Globalization;
using System.Threading.Channels;

namespace CloudSignal.Mqtt.IntegrationTests.Client;

/// <summary>
/// Every lifecycle callback of one client, as text in the order they ran: "online", "offline",
/// "error MqttConnectionLostException", "auth error 0x86", "reconnecting 2" (with a
/// <see cref="ManualClock"/>: "reconnecting 2 at 3s", the clock's time when the attempt began).
/// </summary>
internal sealed class ClientEvents
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();
    private int _reconnecting;

    public ClientEvents(CloudSignalClient client, ManualClock? clock = null)
    {
        client.SetOnlineCallback(() =>
        {
            BeforeOnline?.Invoke();
            Write("online");
        });
        client.SetOfflineCallback(() => Write("offline"));
        client.SetErrorCallback(e => Write($"error {e.GetType().Name}"));
        client.SetAuthErrorCallback(e => Write($"auth error 0x{(byte)e.ReasonCode:X2}{(e.IsAuthenticationFailure ? "" : " (not flagged as authentication)")}"));
        client.SetReconnectingCallback(attempt =>
        {
            Interlocked.Increment(ref _reconnecting);
            Write(clock is null ? $"reconnecting {attempt}" : $"reconnecting {attempt} at {Seconds(clock.Elapsed)}");
        });
    }

    /// <summary>Runs inside the online callback, before it is recorded: sees the world as the application does then.</summary>
    public Action? BeforeOnline { get; set; }

    /// <summary>Reconnecting callbacks so far.</summary>
    public int ReconnectingCount => Volatile.Read(ref _reconnecting);

    public static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.#######", CultureInfo.InvariantCulture) + "s";

    /// <summary>The next callback, or a TimeoutException naming <paramref name="expected"/>.</summary>
    public async Task<string> NextAsync(string? expected = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? ClientHarness.Step);
        try
        {
            return await _events.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No callback within {(timeout ?? ClientHarness.Step).TotalSeconds} s; expected '{expected}'.");
        }
    }

    /// <summary>Asserts that the next callbacks are exactly <paramref name="expected"/>, in order.</summary>
    public async Task ExpectAsync(params string[] expected)
    {
        foreach (string e in expected)
        {
            Assert.Equal(e, await NextAsync(e));
        }
    }

    /// <summary>Asserts that no callback ran so far that has not been read.</summary>
    public void AssertNonePending()
    {
        if (_events.Reader.TryRead(out string? unexpected))
        {
            Assert.Fail($"Unexpected callback: {unexpected}");
        }
    }

    /// <summary>Waits <paramref name="window"/> and asserts that no callback ran meanwhile.</summary>
    public async Task AssertQuietAsync(TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            string unexpected = await _events.Reader.ReadAsync(cts.Token);
            Assert.Fail($"Unexpected callback: {unexpected}");
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Quiet, as expected.
        }
    }

    private void Write(string e) => _events.Writer.TryWrite(e);
}
