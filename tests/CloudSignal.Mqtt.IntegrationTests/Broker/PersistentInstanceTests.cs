using System.Globalization;
using CloudSignal.Mqtt.IntegrationTests.Infrastructure;

namespace CloudSignal.Mqtt.IntegrationTests.Broker;

/// <summary><see cref="MosquittoFixture.StartInstance"/>: a separate persistent broker that survives stop/kill and restart.</summary>
[Collection(MosquittoCollection.Name)]
public class PersistentInstanceTests(MosquittoFixture broker)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact] // SIGTERM saves the database; the restarted broker delivers the queued QoS 1 message.
    public async Task PersistentInstance_StopThenStart_QueuedQoS1Delivered()
    {
        using MosquittoInstance instance = broker.StartInstance(persistent: true);
        int port = instance.Port(MosquittoFixture.Tcp);
        await QueueForOfflineSessionAsync(instance, "persisted");

        instance.Stop();
        Assert.False(instance.IsRunning);
        instance.Start();

        Assert.Equal(port, instance.Port(MosquittoFixture.Tcp));
        Assert.Equal("persisted"u8.ToArray(), await ResumeSessionAsync(instance));
    }

    [Fact] // kill -9: with autosave after every change the queued message survives a crash.
    public async Task PersistentInstance_KillThenStart_SameDirectoryRestored()
    {
        using MosquittoInstance instance = broker.StartInstance(persistent: true, extraConfig: "autosave_on_changes true\nautosave_interval 1");
        long published = await QueueForOfflineSessionAsync(instance, "survived");
        // PUBACK is sent before the autosave: wait for the save that follows the PUBLISH.
        await instance.WaitForLogAsync(published, Timeout, "Received PUBLISH", "Saving in-memory database");

        instance.Kill();
        Assert.False(instance.IsRunning);
        instance.Start();

        Assert.True(instance.IsRunning);
        Assert.Equal("survived"u8.ToArray(), await ResumeSessionAsync(instance));
    }

    [Fact]
    public void NonPersistentInstance_Start_OwnPortAndLog()
    {
        using MosquittoInstance instance = broker.StartInstance();

        Assert.Null(instance.DataDirectory);
        Assert.NotEqual(broker.Broker.Port(MosquittoFixture.Tcp), instance.Port(MosquittoFixture.Tcp));
        Assert.Contains("persistence false", File.ReadAllText(instance.ConfigPath), StringComparison.Ordinal);
        Assert.Contains("running", instance.ReadLog(), StringComparison.Ordinal);
    }

    [Fact] // A start-up failure must say why: mosquitto's own output and log are in the message.
    public void BrokenConfig_StartInstance_FailsWithBrokerOutput()
    {
        var e = Assert.Throws<InvalidOperationException>(() => broker.StartInstance(extraConfig: "no_such_option 1"));

        Assert.Contains("exited with code", e.Message, StringComparison.Ordinal);
        Assert.Contains("no_such_option", e.Message, StringComparison.Ordinal);
    }

    private const string ClientId = "persistent-sub";
    private const string Topic = "fixture/persistent";

    private static string[] Connection(MosquittoInstance instance) =>
        ["-h", "127.0.0.1", "-p", instance.Port(MosquittoFixture.Tcp).ToString(CultureInfo.InvariantCulture)];

    /// <summary>
    /// Creates a persistent session (-c, QoS 1), leaves, then publishes one QoS 1 message to it.
    /// Returns the log offset just before the publish.
    /// </summary>
    private static async Task<long> QueueForOfflineSessionAsync(MosquittoInstance instance, string message)
    {
        // -E: exit once the subscription is acknowledged; -c: clean session false (3.1.1 §3.1.2.4).
        using MosquittoSub subscribe = MosquittoSub.Start(instance, [.. Connection(instance), "-i", ClientId, "-c", "-q", "1", "-t", Topic, "-E"]);
        ToolResult subscribed = await subscribe.WaitAsync(Timeout);
        Assert.True(subscribed.ExitCode == 0 && !subscribed.TimedOut, subscribed.ToString());

        long logOffset = instance.LogLength;
        ToolResult pub = await MosquittoFixture.RunMosquittoPub([.. Connection(instance), "-q", "1", "-t", Topic, "-m", message], Timeout);
        Assert.True(pub.ExitCode == 0 && !pub.TimedOut, pub.ToString());
        return logOffset;
    }

    private static async Task<byte[]> ResumeSessionAsync(MosquittoInstance instance)
    {
        using MosquittoSub resume = MosquittoSub.Start(instance, [.. Connection(instance), "-i", ClientId, "-c", "-q", "1", "-t", Topic, "-C", "1", "-N"]);
        ToolResult received = await resume.WaitAsync(Timeout);
        Assert.True(received.ExitCode == 0 && !received.TimedOut, received.ToString() + "\n" + instance.Diagnostics());
        return received.Stdout;
    }
}
