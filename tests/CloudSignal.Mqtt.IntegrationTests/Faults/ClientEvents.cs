using System.Diagnostics;
using System.Threading.Channels;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// The lifecycle callbacks of one client as a queue of ("online" | "offline" | "reconnecting n" |
/// "auth error 0xNN" | "error TypeName 0xNN", timestamp), so a test can assert their order and timing.
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
        client.SetErrorCallback(e => Add($"error {e.GetType().Name} 0x{(byte)ReasonCode(e):X2}"));
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

    private static MqttReasonCode ReasonCode(MqttException error) => error switch
    {
        MqttProtocolException p => p.ReasonCode,
        MqttConnectionLostException l => l.ReasonCode,
        MqttConnectException c => c.ReasonCode,
        _ => MqttReasonCode.UnspecifiedError,
    };

    private void Add(string name) => _events.Writer.TryWrite((name, Stopwatch.GetTimestamp()));
}
