using static CloudSignal.Mqtt.Tests.Persistence.StoredText;

namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>The file store: state survives Flush and a new store on the same path, files it does not read are refused untouched, one store per file.</summary>
public sealed class FileSessionStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory] // [MQTT-4.1.0-1]: every kind of change survives the process (a new store on the file)
    [InlineData(FileSessionStoreDurability.FlushToDisk)]
    [InlineData(FileSessionStoreDurability.FlushToOperatingSystem)]
    public void EveryOperation_FlushThenNewStore_LoadsTheState(FileSessionStoreDurability durability)
    {
        var options = new FileSessionStoreOptions { Durability = durability };
        byte[] large = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31)).ToArray();
        using (var store = new FileSessionStore(_directory.File(), options))
        {
            store.AddPublish(1, [1, 1]);
            store.AddPublish(2, [2, 2]);
            store.AddPublish(3, [3]);
            store.AddPublish(4, large);
            store.AddPublish(5, []);
            store.SetPacketIdentifier(1, 10);
            store.SetPacketIdentifier(2, 20);
            store.SetPacketIdentifier(4, ushort.MaxValue);
            store.MarkReleased(2);
            store.RemovePublish(3);
            store.AddReceived(7);
            store.AddReceived(5);
            store.AddReceived(9);
            store.RemoveReceived(9);
            store.Flush();

            // Changed after the flush: written by Dispose.
            store.AddReceived(1);
        }

        using var reopened = new FileSessionStore(_directory.File(), options);
        StoredSession session = reopened.Load();

        Assert.Equal(4, session.Publishes.Count);
        Assert.Equal(Text(1L, new byte[] { 1, 1 }, (ushort)10, false), Text(session.Publishes[0]));
        Assert.Equal(Text(2L, Array.Empty<byte>(), (ushort)20, true), Text(session.Publishes[1]));
        Assert.Equal(Text(4L, large, ushort.MaxValue, false), Text(session.Publishes[2]));
        Assert.Equal(Text(5L, Array.Empty<byte>(), (ushort)0, false), Text(session.Publishes[3]));
        Assert.Equal(new ushort[] { 1, 5, 7 }, session.Received);
    }

    [Fact] // [MQTT-4.3.3-10]: the identifiers awaiting PUBREL, and their clearing, survive a restart
    public void ClearReceived_FlushThenNewStore_NoIdentifiers()
    {
        using (var store = new FileSessionStore(_directory.File()))
        {
            store.AddReceived(1);
            store.AddReceived(2);
            store.Flush();
            store.ClearReceived();
            store.AddReceived(3);
            store.Flush();
        }

        using var reopened = new FileSessionStore(_directory.File());
        Assert.Equal(new ushort[] { 3 }, reopened.Load().Received);
    }

    [Fact] // [MQTT-4.6.0-1]: the resend order (sequence order) survives a restart, across flushes
    public void PublishesAddedOutOfOrderAcrossFlushes_NewStore_SequenceOrder()
    {
        long[] sequences = [50, 3, 1_000_000_000_000, 7, -1, 8];
        using (var store = new FileSessionStore(_directory.File()))
        {
            foreach (long sequence in sequences)
            {
                store.AddPublish(sequence, BitConverter.GetBytes(sequence));
                store.Flush();
            }
        }

        using var reopened = new FileSessionStore(_directory.File());
        IReadOnlyList<StoredPublish> publishes = reopened.Load().Publishes;
        Assert.Equal(sequences.Order(), publishes.Select(p => p.Sequence));
        Assert.All(publishes, p => Assert.Equal(BitConverter.GetBytes(p.Sequence), p.Message.ToArray()));
    }

    [Fact] // Load is the current state, not only what was on disk when the store opened
    public void MutationsAfterOpen_Load_IncludesThemBeforeAnyFlush()
    {
        using var store = new FileSessionStore(_directory.File());
        store.AddPublish(1, [1]);
        store.AddReceived(4);

        StoredSession session = store.Load();

        Assert.Equal(1L, Assert.Single(session.Publishes).Sequence);
        Assert.Equal(new ushort[] { 4 }, session.Received);
    }

    [Fact]
    public void NewPath_Opened_EmptyStoreAndAHeaderOnlyFile()
    {
        using var store = new FileSessionStore(_directory.File());

        Assert.Empty(store.Load().Publishes);
        Assert.Empty(store.Load().Received);
        Assert.Equal(16, new FileInfo(_directory.File()).Length);
    }

    [Fact]
    public void AddPublish_SequenceAlreadyHeld_ThrowsAndLogsNothing()
    {
        using (var store = new FileSessionStore(_directory.File()))
        {
            store.AddPublish(1, [1]);
            Assert.Throws<ArgumentException>(() => store.AddPublish(1, [2]));
        }

        using var reopened = new FileSessionStore(_directory.File());
        Assert.Equal(new byte[] { 1 }, Assert.Single(reopened.Load().Publishes).Message.ToArray());
    }

    [Fact]
    public void SecondStoreOnTheSamePath_WhileTheFirstIsOpen_ThrowsLockedWithThePath()
    {
        string path = _directory.File();
        using (var first = new FileSessionStore(path))
        {
            first.AddPublish(1, [1]);

            var e = Assert.Throws<SessionStoreLockedException>(() => new FileSessionStore(path));
            Assert.Equal(path, e.Path);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }

        using var second = new FileSessionStore(path);
        Assert.Single(second.Load().Publishes);
    }

    [Fact] // the lock follows the file across compactions (the log is replaced by a new file)
    public void SecondStore_AfterTheFirstCompacted_StillLockedOut()
    {
        string path = _directory.File();
        using var first = new FileSessionStore(path, new FileSessionStoreOptions { CompactionMinimumBytes = 0, CompactionRatio = 1 });
        first.AddPublish(1, [1]);
        first.Flush();
        first.RemovePublish(1);
        first.Flush(); // dead records: compacted

        Assert.Equal(16, first.LogBytes);
        Assert.Throws<SessionStoreLockedException>(() => new FileSessionStore(path));
    }

    [Fact]
    public void Disposed_EveryMember_ThrowsObjectDisposed_DisposeAgainIsFine()
    {
        var store = new FileSessionStore(_directory.File());
        store.Dispose();
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.Load());
        Assert.Throws<ObjectDisposedException>(() => store.AddPublish(1, [1]));
        Assert.Throws<ObjectDisposedException>(() => store.AddReceived(1));
        Assert.Throws<ObjectDisposedException>(() => store.Flush());
    }

    [Fact]
    public void Options_OutOfRange_Refused()
    {
        string path = _directory.File();
        Assert.Throws<ArgumentOutOfRangeException>(() => new FileSessionStore(path, new FileSessionStoreOptions { CompactionRatio = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FileSessionStore(path, new FileSessionStoreOptions { CompactionMinimumBytes = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FileSessionStore(path, new FileSessionStoreOptions { Durability = (FileSessionStoreDurability)7 }));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void StaleTemporaryFile_FromAnInterruptedCompaction_DeletedOnOpen()
    {
        string path = _directory.File();
        File.WriteAllBytes(path + ".tmp", [1, 2, 3]);

        using var store = new FileSessionStore(path);

        Assert.False(File.Exists(path + ".tmp"));
    }
}
