using static CloudSignal.Mqtt.Tests.Persistence.StoredText;

namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>The in-memory store: current state, sequence order, copies in and out, the contract's rules.</summary>
public class MemorySessionStoreTests
{
    [Fact] // [MQTT-4.1.0-1]: every kind of change is held, and a second client on the store loads it
    public void EveryOperation_ThenLoad_ReturnsTheState()
    {
        var store = new MemorySessionStore();
        store.AddPublish(1, [1, 1]);
        store.AddPublish(2, [2, 2]);
        store.AddPublish(3, [3]);
        store.SetPacketIdentifier(1, 10);
        store.SetPacketIdentifier(2, 20);
        store.MarkReleased(2);
        store.RemovePublish(3);
        store.AddReceived(7);
        store.AddReceived(5);
        store.AddReceived(9);
        store.RemoveReceived(9);
        store.Flush();

        StoredSession session = store.Load();

        Assert.Equal(2, session.Publishes.Count);
        Assert.Equal(Text(1L, new byte[] { 1, 1 }, (ushort)10, false), Text(session.Publishes[0]));
        Assert.Equal(Text(2L, Array.Empty<byte>(), (ushort)20, true), Text(session.Publishes[1]));
        Assert.Equal(new ushort[] { 5, 7 }, session.Received);

        store.ClearReceived();
        Assert.Empty(store.Load().Received);
    }

    [Fact] // [MQTT-4.6.0-1]: publishes come back in sequence order, whatever order they were added in
    public void PublishesAddedOutOfOrder_Load_SequenceOrder()
    {
        var store = new MemorySessionStore();
        foreach (long sequence in new long[] { 5, -3, 40, 1, long.MaxValue, 0 })
        {
            store.AddPublish(sequence, [(byte)sequence]);
        }

        Assert.Equal(new long[] { -3, 0, 1, 5, 40, long.MaxValue }, store.Load().Publishes.Select(p => p.Sequence));
    }

    [Fact]
    public void MessageBytes_CopiedInAndOut_CallerChangesDoNotReachTheStore()
    {
        var store = new MemorySessionStore();
        byte[] source = [1, 2, 3];
        store.AddPublish(1, source);
        source[0] = 99;

        StoredSession first = store.Load();
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(first.Publishes[0].Message, out ArraySegment<byte> returned));
        returned.Array![returned.Offset] = 42;

        Assert.Equal(new byte[] { 1, 2, 3 }, store.Load().Publishes[0].Message.ToArray());
    }

    [Fact]
    public void AddPublish_SequenceAlreadyHeld_ThrowsAndKeepsTheFirst()
    {
        var store = new MemorySessionStore();
        store.AddPublish(1, [1]);

        Assert.Throws<ArgumentException>(() => store.AddPublish(1, [2]));

        Assert.Equal(new byte[] { 1 }, Assert.Single(store.Load().Publishes).Message.ToArray());
    }

    [Fact]
    public void ChangesToUnknownSequence_Ignored()
    {
        var store = new MemorySessionStore();
        store.AddPublish(1, [1]);
        store.SetPacketIdentifier(2, 5);
        store.MarkReleased(2);
        store.RemovePublish(2);
        store.RemoveReceived(3);

        StoredPublish only = Assert.Single(store.Load().Publishes);
        Assert.Equal(Text(1L, new byte[] { 1 }, (ushort)0, false), Text(only));
        Assert.Empty(store.Load().Received);
    }

    [Fact] // the store outlives a client: two threads changing disjoint publishes lose nothing
    public async Task TwoThreadsMutating_Concurrently_EveryChangeKept()
    {
        var store = new MemorySessionStore();
        const int PerThread = 5_000;
        using var start = new Barrier(2);
        Task[] writers = new[] { 0, 1 }.Select(t => Task.Run(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerThread; i++)
            {
                long sequence = (t * PerThread) + i;
                store.AddPublish(sequence, [(byte)t]);
                store.SetPacketIdentifier(sequence, (ushort)(i + 1));
                if (i % 2 == 0)
                {
                    store.RemovePublish(sequence);
                }
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));

        IReadOnlyList<StoredPublish> publishes = store.Load().Publishes;
        Assert.Equal(PerThread, publishes.Count);
        Assert.Equal(Enumerable.Range(0, 2 * PerThread).Where(i => i % PerThread % 2 == 1).Select(i => (long)i), publishes.Select(p => p.Sequence));
        Assert.All(publishes, p => Assert.Equal((ushort)((p.Sequence % PerThread) + 1), p.PacketIdentifier));
    }
}
