using static CloudSignal.Mqtt.Tests.Persistence.StoredText;

namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>
/// Repair of a log a crash or a damaged sector left behind: replay stops at the first record
/// that is cut short or fails its CRC, the file is cut there, and the records before it are kept
/// (the records after a damaged one are dropped too: they may depend on it).
/// </summary>
public sealed class FileSessionStoreRecoveryTests : IDisposable
{
    // Never compact in Flush: the records stay where the test put them.
    private static readonly FileSessionStoreOptions AppendOnly = new() { CompactionMinimumBytes = long.MaxValue };

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact] // a crash in the middle of the last append, at every byte of it
    public void LastRecordCutAtEveryOffset_Opened_EarlierRecordsKeptAndTailCut()
    {
        string path = _directory.File();
        long lastStart, lastEnd;
        using (var store = new FileSessionStore(path, AppendOnly))
        {
            store.AddPublish(1, Enumerable.Range(0, 20).Select(i => (byte)i).ToArray());
            store.AddReceived(3);
            store.SetPacketIdentifier(1, 9);
            store.Flush();
            lastStart = store.LogBytes;
            store.AddPublish(2, new byte[30]);
            store.Flush();
            lastEnd = store.LogBytes;
        }

        byte[] log = File.ReadAllBytes(path);
        Assert.Equal(lastEnd, log.Length);
        Assert.Equal(4 + 1 + 8 + 30 + 4, lastEnd - lastStart);
        string expectedPublish = Text(1, Enumerable.Range(0, 20).Select(i => (byte)i).ToArray(), 9, false);

        for (long cut = lastStart; cut < lastEnd; cut++)
        {
            File.WriteAllBytes(path, log[..(int)cut]);
            using (var store = new FileSessionStore(path, AppendOnly))
            {
                StoredSession session = store.Load();
                Assert.Equal(expectedPublish, Text(Assert.Single(session.Publishes)));
                Assert.Equal(new ushort[] { 3 }, session.Received);
                Assert.Equal(lastStart, new FileInfo(path).Length);

                // Appended after the cut, so it must read back (nothing torn left before it).
                store.AddReceived(4);
            }

            using var reopened = new FileSessionStore(path, AppendOnly);
            Assert.Equal(new ushort[] { 3, 4 }, reopened.Load().Received);
        }
    }

    [Fact] // a power loss can leave the file longer than what was written, filled with zeros
    public void ZeroFilledTail_Opened_EverythingKeptAndZerosCut()
    {
        string path = _directory.File();
        long end;
        using (var store = new FileSessionStore(path, AppendOnly))
        {
            store.AddPublish(1, [1]);
            store.AddReceived(2);
            store.Flush();
            end = store.LogBytes;
        }

        using (FileStream file = File.OpenWrite(path))
        {
            file.SetLength(end + 100);
        }

        using var reopened = new FileSessionStore(path, AppendOnly);
        Assert.Single(reopened.Load().Publishes);
        Assert.Equal(new ushort[] { 2 }, reopened.Load().Received);
        Assert.Equal(end, new FileInfo(path).Length);
    }

    [Fact] // a damaged byte anywhere in a middle record: replay stops there (documented choice)
    public void ByteFlippedInAMiddleRecord_Opened_RecordsBeforeKeptThatRecordAndLaterDropped()
    {
        string path = _directory.File();
        long middleStart, middleEnd, end;
        using (var store = new FileSessionStore(path, AppendOnly))
        {
            store.AddPublish(1, [1, 1]);
            store.Flush();
            middleStart = store.LogBytes;
            store.AddPublish(2, new byte[10]);
            store.Flush();
            middleEnd = store.LogBytes;
            store.AddReceived(5);
            store.Flush();
            end = store.LogBytes;
        }

        byte[] log = File.ReadAllBytes(path);
        Assert.Equal(end, log.Length);
        for (long at = middleStart; at < middleEnd; at++)
        {
            byte[] damaged = (byte[])log.Clone();
            damaged[at] ^= 0xFF;
            File.WriteAllBytes(path, damaged);

            using var store = new FileSessionStore(path, AppendOnly);
            StoredSession session = store.Load();
            Assert.Equal(Text(1, [1, 1], 0, false), Text(Assert.Single(session.Publishes)));
            Assert.Empty(session.Received);
            Assert.Equal(middleStart, new FileInfo(path).Length);
        }
    }
}
