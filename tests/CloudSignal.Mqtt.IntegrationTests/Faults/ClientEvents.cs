using System.Diagnostics;
using System.Threading.Channels;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// The lifecycle callbacks of one client as a queue of ("online" | "offline" | "reconnecting n" |
/// "auth error 0xNN", timestamp), so a test can assert their order and timing.
/// </summary>
internal sealed class ClientEvents
{
    private readonly Channel<(string Name, long Timestamp)> _events = Channel.CreateUnbounded<(string, long)>();

    public ClientEvents(CloudSignalClient client)
    {
        client.SetOnlineCallback(() => Add("online"));
        client.SetOfflineCallback(() => Add("offline"));
        client.SetReconnectingCallback(attempt => Add($"reconnecting {attempt}"));
        client.SetAuthErrorCallback(e => Add($"auth error 0x{(byte)e.ReasonCode:X2}"));
    }

    /// <summary>Waits for the next event, asserts it is <paramref name="expected"/>, returns its timestamp.</summary>
    public async Task<long> ExpectAsync(string expected, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? FaultHarness.Step);
        try
        {
            (string name, long timestamp) = await _events.Reader.ReadAsync(cts.Token);
            Assert.Equal(expected, name);
            return timestamp;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Assert.Fail($"No '{expected}' callback within {(timeout ?? FaultHarness.Step).TotalSeconds} s.");
            throw;
        }
    }

    /// <summary>Skips "reconnecting n" events (as many attempts as it took) up to the next other event, and asserts it.</summary>
    public async Task<long> ExpectAfterReconnectingAsync(string expected, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? FaultHarness.Step);
        while (true)
        {
            (string name, long timestamp) = await _events.Reader.ReadAsync(cts.Token);
            if (!name.StartsWith("reconnecting ", StringComparison.Ordinal))
            {
                Assert.Equal(expected, name);
                return timestamp;
            }
        }
    }

    /// <summary>Events so far that have not been read.</summary>
    public List<string> Drain()
    {
        var rest = new List<string>();
        while (_events.Reader.TryRead(out (string Name, long Timestamp) e))
        {
            rest.Add(e.Name);
        }

        return rest;
    }

    private void Add(string name) => _events.Writer.TryWrite((name, Stopwatch.GetTimestamp()));
}
