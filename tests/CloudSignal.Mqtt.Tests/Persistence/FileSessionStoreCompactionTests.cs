using static CloudSignal.Mqtt.Tests.Persistence.StoredText;

namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>Compaction: the log is rewritten with only the live state, in Flush past the threshold and on open, and the state is the same after.</summary>
public sealed class FileSessionStoreCompactionTests : IDisposable
{
    private const int KeptMessageBytes = 100;
    private const long HeaderBytes = 16;
    private const long PublishRecordOverhead = 4 + 1 + 8 + 4;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ManyPublishesFinished_FlushPastTheThreshold_LogStaysBoundedAndStateKept()
    {
        const long Minimum = 4096;
        var options = new FileSessionStoreOptions
        {
            Durability = FileSessionStoreDurability.FlushToOperatingSystem,
            CompactionMinimumBytes = Minimum,
            CompactionRatio = 4,
        };
        string path = _directory.File();
        long appended = 0, largest = 0;
        int compactions;
        using (var store = new FileSessionStore(path, options))
        {
            AddKept(store);
            for (long sequence = 100; sequence < 2_100; sequence++)
            {
                store.AddPublish(sequence, new byte[200]);
                store.SetPacketIdentifier(sequence, 1);
                store.Flush();
                store.RemovePublish(sequence);
                store.Flush();
                largest = Math.Max(largest, store.LogBytes);
                appended += PublishRecordOverhead + 200 + (4 + 1 + 10 + 4) + (4 + 1 + 8 + 4);
            }

            compactions = store.Compactions;
        }

        // 2,000 finished publishes appended ~470 KB; the log never grew past the threshold and one flush.
        Assert.True(appended > 100 * Minimum, $"appended {appended}");
        Assert.InRange(compactions, appended / Minimum, appended / (Minimum - LiveBytesOfKept - 500));
        Assert.InRange(largest, 0, Minimum + PublishRecordOverhead + 200 + 19);
        using var reopened = new FileSessionStore(path, options);
        AssertKept(reopened.Load());
        Assert.Equal(LiveBytesOfKept, new FileInfo(path).Length);
    }

    [Fact] // [MQTT-4.1.0-1]: a log full of dead records is rewritten on open; the state is unchanged
    public void LogOfDeadRecords_Opened_CompactedToTheLiveStateAndStateKept()
    {
        string path = _directory.File();
        using (var store = new FileSessionStore(path, new FileSessionStoreOptions { CompactionMinimumBytes = long.MaxValue }))
        {
            AddKept(store);
            for (long sequence = 100; sequence < 1_100; sequence++)
            {
                store.AddPublish(sequence, new byte[1024]);
                store.AddReceived((ushort)sequence);
                store.Flush();
                store.RemovePublish(sequence);
                store.RemoveReceived((ushort)sequence);
            }
        }

        Assert.True(new FileInfo(path).Length > 1_000_000, $"log {new FileInfo(path).Length} bytes");

        using var reopened = new FileSessionStore(path);
        Assert.Equal(LiveBytesOfKept, new FileInfo(path).Length);
        AssertKept(reopened.Load());
    }

    [Fact] // every field of every kind of entry goes through a compaction, in order
    public void EveryKindOfEntry_Compacted_LoadsTheSameThenAndAfterReopen()
    {
        string path = _directory.File();
        var compactEveryFlush = new FileSessionStoreOptions { CompactionMinimumBytes = 0, CompactionRatio = 1 };
        StoredSession before;
        using (var store = new FileSessionStore(path, compactEveryFlush))
        {
            store.AddPublish(30, [3, 0]);
            store.AddPublish(10, [1, 0]);
            store.AddPublish(20, [2, 0]);
            store.AddPublish(40, [4, 0]);
            store.SetPacketIdentifier(10, 11);
            store.SetPacketIdentifier(20, 22);
            store.MarkReleased(20);
            store.MarkReleased(40);
            store.AddReceived(9);
            store.AddReceived(8);
            store.AddReceived(99);
            store.RemoveReceived(99);
            store.Flush(); // dead records (RemoveReceived, the released messages): compacted
            before = store.Load();
            Assert.Equal(
                HeaderBytes + (4 * PublishRecordOverhead) + 4 + (2 * (4 + 1 + 10 + 4)) + (2 * (4 + 1 + 8 + 4)) + (2 * (4 + 1 + 2 + 4)),
                store.LogBytes);
        }

        using var reopened = new FileSessionStore(path, compactEveryFlush);
        StoredSession after = reopened.Load();
        Assert.Equal(
            ["10:0100/id=11/released=False", "20:/id=22/released=True", "30:0300/id=0/released=False", "40:/id=0/released=True"],
            after.Publishes.Select(Text));
        Assert.Equal(before.Publishes.Select(Text), after.Publishes.Select(Text));
        Assert.Equal(new ushort[] { 8, 9 }, after.Received);
    }

    private static long LiveBytesOfKept => HeaderBytes + (3 * (PublishRecordOverhead + KeptMessageBytes)) + (4 + 1 + 10 + 4) + (4 + 1 + 2 + 4);

    private static void AddKept(FileSessionStore store)
    {
        for (long sequence = 1; sequence <= 3; sequence++)
        {
            store.AddPublish(sequence, Enumerable.Repeat((byte)sequence, KeptMessageBytes).ToArray());
        }

        store.SetPacketIdentifier(2, 7);
        store.AddReceived(65_000);
    }

    private static void AssertKept(StoredSession session)
    {
        Assert.Equal(
            new[] { 1L, 2, 3 }.Select(s => Text(s, Enumerable.Repeat((byte)s, KeptMessageBytes).ToArray(), s == 2 ? (ushort)7 : (ushort)0, false)),
            session.Publishes.Select(Text));
        Assert.Equal(new ushort[] { 65_000 }, session.Received);
    }
}
