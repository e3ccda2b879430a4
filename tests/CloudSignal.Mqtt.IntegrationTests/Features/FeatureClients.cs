using System.Threading.Channels;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;
using Xunit.Sdk;

namespace CloudSignal.Mqtt.IntegrationTests.Features;

/// <summary>
/// Connecting CloudSignalClients to the fixture's broker and reading what they receive, every wait
/// bounded. Absence is proven with a marker where ordering allows it: a later message on the same
/// connection arrives after anything the broker had queued before it, so "the marker came first"
/// means "nothing else was sent" without sleeping.
/// </summary>
internal static class FeatureClients
{
    /// <summary>Upper bound for any single wait (connect, acknowledgement, next message).</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(5);

    /// <summary>How long to listen for a message that must not come, where no marker can prove it.</summary>
    public static readonly TimeSpan AbsenceWindow = TimeSpan.FromMilliseconds(300);

    /// <summary>A topic root no other test uses, so retained messages and subscriptions never collide.</summary>
    public static string NewRoot(string feature) => $"features/{feature}/{Guid.NewGuid():N}";

    /// <summary>Test defaults: no reconnect (a drop must fail the test, not be hidden) and a short connect timeout.</summary>
    public static CloudSignalOptions Options(
        MqttProtocolVersion version = MqttProtocolVersion.V500,
        bool automaticTopicAliases = false,
        ushort topicAliasMaximum = 0) => new()
        {
            ProtocolVersion = version,
            ReconnectPeriod = TimeSpan.Zero,
            ConnectTimeout = WaitLimit,
            AutomaticTopicAliases = automaticTopicAliases,
            TopicAliasMaximum = topicAliasMaximum,
        };

    /// <summary>Connects a client to <paramref name="url"/> (default: the plain TCP listener) with <see cref="CloudSignalClient.Messages"/> enabled.</summary>
    public static async Task<CloudSignalClient> ConnectAsync(MosquittoFixture broker, string name, CloudSignalOptions? options = null, string? url = null, string? username = null)
    {
        var client = new CloudSignalClient(options ?? Options());
        _ = client.Messages; // messages are queued to the channel only once it has been asked for
        try
        {
            using var cts = new CancellationTokenSource(WaitLimit);
            await client.ConnectAsync(new ConnectParameters { Host = url ?? broker.TcpUrl, ClientId = $"feat-{name}-{Guid.NewGuid():N}", Username = username }, cts.Token);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Awaits an acknowledgement-bearing task (publish, subscribe) within <see cref="WaitLimit"/>.</summary>
    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(WaitLimit);

    /// <summary>The next received message, or a failure naming what was awaited.</summary>
    public static async Task<MqttMessage> NextAsync(this CloudSignalClient client, string what = "a message")
    {
        using var cts = new CancellationTokenSource(WaitLimit);
        try
        {
            return await client.Messages.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new XunitException($"Timed out after {WaitLimit.TotalSeconds} s waiting for {what}.");
        }
    }

    /// <summary>Every message received before the first one on <paramref name="markerTopic"/> (the marker itself is consumed).</summary>
    public static async Task<List<MqttMessage>> ReadUntilMarkerAsync(this CloudSignalClient client, string markerTopic)
    {
        var before = new List<MqttMessage>();
        while (true)
        {
            MqttMessage message = await client.NextAsync($"the marker on '{markerTopic}'");
            if (message.Topic == markerTopic)
            {
                return before;
            }

            before.Add(message);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> messages.</summary>
    public static async Task<List<MqttMessage>> ReadAsync(this CloudSignalClient client, int count)
    {
        var messages = new List<MqttMessage>(count);
        for (int i = 0; i < count; i++)
        {
            messages.Add(await client.NextAsync($"message {i + 1} of {count}"));
        }

        return messages;
    }

    /// <summary>Fails if a message arrives within <see cref="AbsenceWindow"/>.</summary>
    public static async Task AssertNoMessageAsync(this CloudSignalClient client)
    {
        using var cts = new CancellationTokenSource(AbsenceWindow);
        try
        {
            MqttMessage unexpected = await client.Messages.ReadAsync(cts.Token);
            throw new XunitException($"Unexpected message on '{unexpected.Topic}': '{System.Text.Encoding.UTF8.GetString(unexpected.Payload.Span)}'.");
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // Nothing came: as expected.
        }
        catch (ChannelClosedException)
        {
            throw new XunitException("The client's message channel closed while waiting for absence.");
        }
    }

    /// <summary>Clears a retained message (an empty retained payload deletes it, 5.0 §3.3.1.3).</summary>
    public static Task ClearRetainedAsync(this CloudSignalClient client, string topic) =>
        client.PublishAsync(topic, ReadOnlyMemory<byte>.Empty, MqttQos.AtLeastOnce, retain: true).Bounded();

    public static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static string Text(this MqttMessage message) => System.Text.Encoding.UTF8.GetString(message.Payload.Span);
}
