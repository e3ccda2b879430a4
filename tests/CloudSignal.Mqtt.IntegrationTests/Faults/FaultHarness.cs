namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>Client options and bounded waits for tests against a <see cref="ScriptedBroker"/>.</summary>
internal static class FaultHarness
{
    /// <summary>Upper bound of one wait on a local broker (a healthy one answers in milliseconds).</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Test options: short connect timeout, no auto-reconnect unless asked (then without jitter,
    /// and a back-off capped at 4 × <paramref name="reconnectPeriod"/>). A persistent session
    /// (<paramref name="cleanSession"/> false) also gets a 5.0 Session Expiry Interval, without
    /// which a 5.0 broker ends the session with the connection.
    /// </summary>
    public static CloudSignalOptions Options(
        MqttProtocolVersion version,
        TimeSpan? reconnectPeriod = null,
        bool cleanSession = true,
        TimeSpan? keepAlive = null,
        TimeSpan? connectTimeout = null) => new()
        {
            ProtocolVersion = version,
            CleanSession = cleanSession,
            SessionExpiryInterval = cleanSession ? TimeSpan.Zero : TimeSpan.FromMinutes(5),
            KeepAlive = keepAlive ?? TimeSpan.FromSeconds(60),
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(5),
            ReconnectPeriod = reconnectPeriod ?? TimeSpan.Zero,
            MaxReconnectDelay = (reconnectPeriod ?? TimeSpan.Zero) * 4,
            ReconnectJitter = 0,
        };

    public static string ClientId(string area) => $"fault-{area}-{Guid.NewGuid():N}";

    /// <summary>Polls <paramref name="condition"/> (every few milliseconds) until it holds, or fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Step);
        while (!condition())
        {
            try
            {
                await Task.Delay(5, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out after {(timeout ?? Step).TotalSeconds} s waiting for: {what}.");
            }
        }
    }
}
