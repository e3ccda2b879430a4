namespace CloudSignal.Mqtt.IntegrationTests.Infrastructure;

/// <summary>
/// A running <c>mosquitto_sub</c>. <see cref="WaitUntilSubscribedAsync"/> watches the broker log for
/// the SUBACK to this client id, so a test publishes only after the subscription exists (no sleeps).
/// </summary>
public sealed class MosquittoSub : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    private readonly MosquittoInstance _broker;
    private readonly ToolProcess _process;
    private readonly long _logOffset;

    private MosquittoSub(MosquittoInstance broker, IReadOnlyList<string> arguments, string clientId)
    {
        _broker = broker;
        ClientId = clientId;
        // Only lines written after this point count: a reconnecting persistent client reuses its id.
        _logOffset = broker.LogLength;
        _process = ToolProcess.Start(MosquittoTools.Sub, arguments);
    }

    public string ClientId { get; }

    /// <summary>
    /// Starts mosquitto_sub against <paramref name="broker"/>. Adds <c>-i</c> with a unique client id
    /// unless <paramref name="arguments"/> has <c>-i</c>/<c>--id</c>.
    /// </summary>
    public static MosquittoSub Start(MosquittoInstance broker, IEnumerable<string> arguments)
    {
        List<string> list = [.. arguments];
        int idIndex = list.FindIndex(a => a is "-i" or "--id");
        string clientId;
        if (idIndex >= 0 && idIndex + 1 < list.Count)
        {
            clientId = list[idIndex + 1];
        }
        else
        {
            clientId = "sub-" + Guid.NewGuid().ToString("N")[..12];
            list.AddRange(["-i", clientId]);
        }

        return new MosquittoSub(broker, list, clientId);
    }

    /// <summary>Returns once the broker has sent SUBACK to this client; throws if it exits or times out first.</summary>
    public async Task WaitUntilSubscribedAsync(TimeSpan timeout)
    {
        string marker = $": Sending SUBACK to {ClientId}";
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (NewLogLines().Any(line => line.EndsWith(marker, StringComparison.Ordinal)))
            {
                return;
            }

            if (_process.HasExited)
            {
                ToolResult result = await _process.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                throw new InvalidOperationException($"mosquitto_sub exited before subscribing:\n{result}\n{_broker.Diagnostics()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No SUBACK to {ClientId} within {timeout.TotalSeconds} s.\n{_broker.Diagnostics()}");
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for mosquitto_sub to exit (use <c>-C n</c>); kills it after <paramref name="timeout"/>.</summary>
    public Task<ToolResult> WaitAsync(TimeSpan timeout) => _process.WaitAsync(timeout);

    public void Dispose() => _process.Dispose();

    private string[] NewLogLines() => _broker.ReadLog(_logOffset).Split('\n', StringSplitOptions.TrimEntries);
}
