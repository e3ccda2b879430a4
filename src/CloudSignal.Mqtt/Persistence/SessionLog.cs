using System.Buffers;
using System.Buffers.Binary;

namespace CloudSignal.Mqtt.Persistence;

/*
 * Session log format, version 1 (FileSessionStore)
 * ------------------------------------------------
 * file    = header record*
 * header  = magic "CSMQSLOG" (8 ASCII bytes) | u32 format version (1) | u32 flags
 *           flags: 0, or 1 = Superseded (see below); any other value is refused
 * record  = u32 length | u8 kind | payload (length - 1 bytes) | u32 CRC-32
 *           length counts kind and payload (at least 1); the CRC-32 (IEEE, as zip and PNG)
 *           covers length, kind and payload, so a damaged length is caught as well
 * All integers are little-endian. Kinds (SessionLogRecordKind) and their payloads:
 *   1 AddPublish          i64 sequence | message bytes (the rest of the payload)
 *   2 SetPacketIdentifier i64 sequence | u16 packet identifier
 *   3 MarkReleased        i64 sequence
 *   4 RemovePublish       i64 sequence
 *   5 AddReceived         u16 packet identifier
 *   6 RemoveReceived      u16 packet identifier
 *   7 ClearReceived       (empty)
 *
 * Reading replays the records in order, applying each as the store applied the mutation.
 * Replay stops at the first record that is cut short or fails its CRC, and the file is cut
 * there: it is the torn tail of an append interrupted by a crash (or a damaged sector; the
 * records after it are dropped too, because they may depend on it). A record whose CRC holds
 * but that makes no sense (unknown kind, wrong payload length, a sequence added twice) was
 * written whole by something else: the store refuses the file rather than guess.
 *
 * A compaction writes the live state (AddPublish, then SetPacketIdentifier and MarkReleased
 * when they apply, for each publish in sequence order; then AddReceived in ascending order)
 * to path + ".tmp", flushes it to disk, renames it over the log and flushes the directory.
 * The file it replaced is then stamped Superseded (it is unlinked, but another store may have
 * opened it just before the rename and be about to lock it: the stamp tells that store to
 * open the path again instead of taking the old file for the log).
 */

/// <summary>The session log format (described above): constants, record sizes and the record writers.</summary>
internal static class SessionLog
{
    /// <summary>Length of the file header.</summary>
    public const int HeaderLength = 16;

    /// <summary>The format version this build writes and reads.</summary>
    public const uint FormatVersion = 1;

    /// <summary>Header flag: a compaction replaced this file; open the path again.</summary>
    public const uint SupersededFlag = 1;

    /// <summary>Length, kind and CRC around each record's payload.</summary>
    public const int RecordOverhead = 4 + 1 + 4;

    /// <summary>Size of a SetPacketIdentifier record.</summary>
    public const int SetPacketIdentifierSize = RecordOverhead + 8 + 2;

    /// <summary>Size of a MarkReleased or RemovePublish record.</summary>
    public const int SequenceRecordSize = RecordOverhead + 8;

    /// <summary>Size of an AddReceived or RemoveReceived record.</summary>
    public const int IdentifierRecordSize = RecordOverhead + 2;

    /// <summary>Size of a ClearReceived record.</summary>
    public const int ClearReceivedSize = RecordOverhead;

    /// <summary>The longest message a record can hold (it must fit one array with its framing).</summary>
    public static int MaxMessageLength => Array.MaxLength - RecordOverhead - 8;

    /// <summary>The eight bytes a session log starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "CSMQSLOG"u8;

    /// <summary>Size of an AddPublish record for a message of this length.</summary>
    public static long AddPublishSize(int messageLength) => RecordOverhead + 8L + messageLength;

    /// <summary>What one publish takes in a compacted log.</summary>
    public static long PublishSize(in PublishEntry entry) =>
        AddPublishSize(entry.Message.Length)
        + (entry.PacketIdentifier != 0 ? SetPacketIdentifierSize : 0)
        + (entry.Released ? SequenceRecordSize : 0);

    /// <summary>Writes a header with the given flags.</summary>
    public static void WriteHeader(Span<byte> destination, uint flags)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], flags);
    }

    /// <summary>Appends an AddPublish record (CRC left for <see cref="Seal"/>).</summary>
    public static void WriteAddPublish(IBufferWriter<byte> writer, long sequence, ReadOnlySpan<byte> message)
    {
        Span<byte> payload = Begin(writer, SessionLogRecordKind.AddPublish, 8 + message.Length, out int size);
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
        message.CopyTo(payload[8..]);
        writer.Advance(size);
    }

    /// <summary>Appends a SetPacketIdentifier record (CRC left for <see cref="Seal"/>).</summary>
    public static void WriteSetPacketIdentifier(IBufferWriter<byte> writer, long sequence, ushort packetIdentifier)
    {
        Span<byte> payload = Begin(writer, SessionLogRecordKind.SetPacketIdentifier, 10, out int size);
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(payload[8..], packetIdentifier);
        writer.Advance(size);
    }

    /// <summary>Appends a MarkReleased or RemovePublish record (CRC left for <see cref="Seal"/>).</summary>
    public static void WriteSequence(IBufferWriter<byte> writer, SessionLogRecordKind kind, long sequence)
    {
        Span<byte> payload = Begin(writer, kind, 8, out int size);
        BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
        writer.Advance(size);
    }

    /// <summary>Appends an AddReceived or RemoveReceived record (CRC left for <see cref="Seal"/>).</summary>
    public static void WriteIdentifier(IBufferWriter<byte> writer, SessionLogRecordKind kind, ushort packetIdentifier)
    {
        Span<byte> payload = Begin(writer, kind, 2, out int size);
        BinaryPrimitives.WriteUInt16LittleEndian(payload, packetIdentifier);
        writer.Advance(size);
    }

    /// <summary>Appends a ClearReceived record (CRC left for <see cref="Seal"/>).</summary>
    public static void WriteClearReceived(IBufferWriter<byte> writer)
    {
        _ = Begin(writer, SessionLogRecordKind.ClearReceived, 0, out int size);
        writer.Advance(size);
    }

    /// <summary>Appends the records that rebuild one publish in a compacted log.</summary>
    public static void WritePublish(IBufferWriter<byte> writer, long sequence, in PublishEntry entry)
    {
        WriteAddPublish(writer, sequence, entry.Message);
        if (entry.PacketIdentifier != 0)
        {
            WriteSetPacketIdentifier(writer, sequence, entry.PacketIdentifier);
        }

        if (entry.Released)
        {
            WriteSequence(writer, SessionLogRecordKind.MarkReleased, sequence);
        }
    }

    /// <summary>
    /// Fills in the CRC of every record in <paramref name="records"/> (whole records, as the
    /// writers above left them). Done at flush time so that the mutators only copy bytes.
    /// </summary>
    public static void Seal(Span<byte> records)
    {
        int offset = 0;
        while (offset < records.Length)
        {
            int covered = 4 + (int)BinaryPrimitives.ReadUInt32LittleEndian(records[offset..]);
            uint crc = Crc32.Compute(records.Slice(offset, covered));
            BinaryPrimitives.WriteUInt32LittleEndian(records[(offset + covered)..], crc);
            offset += covered + 4;
        }
    }

    private static Span<byte> Begin(IBufferWriter<byte> writer, SessionLogRecordKind kind, int payloadLength, out int size)
    {
        size = RecordOverhead + payloadLength;
        Span<byte> record = writer.GetSpan(size);
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(1 + payloadLength));
        record[4] = (byte)kind;
        return record.Slice(5, payloadLength);
    }
}
