using System.Buffers;
using System.Buffers.Binary;
using CloudSignal.Mqtt.Persistence;

namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>
/// A file the store does not read (not a session log, another format version, an intact record
/// it does not know) is refused with InvalidDataException naming the file, and left byte for byte
/// as it was: a valid file is never silently discarded.
/// </summary>
public sealed class FileSessionStoreValidationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void NotASessionLog_Opened_RefusedAndUntouched() =>
        AssertRefused("Hello, this is somebody else's file.\n"u8.ToArray(), "not a CloudSignal session log");

    [Fact]
    public void NewerFormatVersion_Opened_RefusedAndUntouched()
    {
        byte[] file = [.. Header(flags: 0), .. Sealed(w => SessionLog.WriteIdentifier(w, SessionLogRecordKind.AddReceived, 1))];
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), 2);
        AssertRefused(file, "format version 2");
    }

    [Fact]
    public void ShorterThanTheHeader_Opened_RefusedAndUntouched() =>
        AssertRefused(Header(flags: 0)[..10], "shorter than a session log header");

    [Fact]
    public void UnknownHeaderFlags_Opened_RefusedAndUntouched() =>
        AssertRefused(Header(flags: 4), "unknown flags");

    [Fact]
    public void IntactRecordOfUnknownKind_Opened_RefusedAndUntouched()
    {
        byte[] record = new byte[4 + 1 + 3 + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 4);
        record[4] = 200;
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), Crc32.Compute(record.AsSpan(0, 8)));
        byte[] known = Sealed(w => SessionLog.WriteAddPublish(w, 1, [1]));
        AssertRefused([.. Header(flags: 0), .. known, .. record], "kind 200");
    }

    [Fact]
    public void IntactRecordWithWrongPayloadLength_Opened_RefusedAndUntouched()
    {
        byte[] record = new byte[4 + 1 + 3 + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 4);
        record[4] = (byte)SessionLogRecordKind.AddReceived;
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), Crc32.Compute(record.AsSpan(0, 8)));
        AssertRefused([.. Header(flags: 0), .. record], "3 payload bytes");
    }

    [Fact]
    public void IntactRecordAddingAHeldSequenceAgain_Opened_RefusedAndUntouched()
    {
        byte[] records = Sealed(w =>
        {
            SessionLog.WriteAddPublish(w, 7, [1]);
            SessionLog.WriteAddPublish(w, 7, [2]);
        });
        AssertRefused([.. Header(flags: 0), .. records], "adds sequence 7 a second time");
    }

    [Fact] // the file a compaction replaced is stamped, so a store that opened it just before cannot take it for the log
    public void FileReplacedByACompaction_KeptByAHardLink_StampedAndRefused()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // needs ln(1)
        }

        string path = _directory.File();
        string link = _directory.File("old.log");
        using var store = new FileSessionStore(path, new FileSessionStoreOptions { CompactionMinimumBytes = 0, CompactionRatio = 1 });
        store.AddPublish(1, [1]);
        store.Flush();
        using (var ln = System.Diagnostics.Process.Start("ln", [path, link]))
        {
            Assert.True(ln.WaitForExit(10_000));
            Assert.Equal(0, ln.ExitCode);
        }

        store.RemovePublish(1);
        store.Flush(); // compacts: the path names a new file, the link the old one

        Assert.Equal(SessionLog.SupersededFlag, BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(link).AsSpan(12)));
        var e = Assert.Throws<InvalidDataException>(() => new FileSessionStore(link));
        Assert.Contains("replaced by a compaction", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crc32_StandardCheckValue() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8)); // the CRC-32/ISO-HDLC check value

    private static byte[] Header(uint flags)
    {
        byte[] header = new byte[SessionLog.HeaderLength];
        SessionLog.WriteHeader(header, flags);
        return header;
    }

    private static byte[] Sealed(Action<IBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        byte[] records = writer.WrittenSpan.ToArray();
        SessionLog.Seal(records);
        return records;
    }

    private void AssertRefused(byte[] content, string reason)
    {
        string path = _directory.File();
        File.WriteAllBytes(path, content);
        File.WriteAllBytes(path + ".tmp", [42]); // not ours to delete either, when the file is not ours

        var e = Assert.Throws<InvalidDataException>(() => new FileSessionStore(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Equal([42], File.ReadAllBytes(path + ".tmp"));

        // Refused, not locked: the file is closed again.
        using FileStream reopened = File.Open(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
    }
}
