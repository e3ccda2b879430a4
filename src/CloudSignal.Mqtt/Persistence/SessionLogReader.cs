using System.Buffers;
using System.Buffers.Binary;

namespace CloudSignal.Mqtt.Persistence;

/// <summary>Reads a session log (format in SessionLog.cs) back into a <see cref="SessionState"/>.</summary>
internal static class SessionLogReader
{
    /// <summary>What the header of a log says.</summary>
    internal enum HeaderStatus
    {
        /// <summary>The file is empty: a new store.</summary>
        Empty,

        /// <summary>A version 1 log: replay it.</summary>
        Valid,

        /// <summary>A compaction replaced this file after it was opened: open the path again.</summary>
        Superseded,
    }

    /// <summary>Checks the header; throws <see cref="InvalidDataException"/> for a file that is not a log this build reads.</summary>
    public static HeaderStatus ReadHeader(FileStream file, string path)
    {
        long length = file.Length;
        if (length == 0)
        {
            return HeaderStatus.Empty;
        }

        if (length < SessionLog.HeaderLength)
        {
            throw Invalid(path, $"it is {length} bytes long, shorter than a session log header");
        }

        Span<byte> header = stackalloc byte[SessionLog.HeaderLength];
        RandomAccess.Read(file.SafeFileHandle, header, 0);
        if (!header[..8].SequenceEqual(SessionLog.Magic))
        {
            throw Invalid(path, "it is not a CloudSignal session log (wrong magic)");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != SessionLog.FormatVersion)
        {
            throw Invalid(path, $"it is format version {version}; this build reads version {SessionLog.FormatVersion}");
        }

        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        return flags switch
        {
            0 => HeaderStatus.Valid,
            SessionLog.SupersededFlag => HeaderStatus.Superseded,
            _ => throw Invalid(path, $"its header has unknown flags 0x{flags:X8}"),
        };
    }

    /// <summary>
    /// Applies the records after a valid header to <paramref name="state"/>, in order, and returns
    /// where the valid records end: the file length, or the start of a torn or corrupt tail.
    /// </summary>
    public static long Replay(FileStream file, string path, SessionState state)
    {
        long length = file.Length;
        long offset = SessionLog.HeaderLength;
        file.Position = offset;

        // Not disposed: disposing it would close the store's file.
        var input = new BufferedStream(file, 1 << 16);
        byte[] record = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            Span<byte> lengthField = stackalloc byte[4];
            while (length - offset >= SessionLog.RecordOverhead)
            {
                input.ReadExactly(lengthField);
                uint covered = BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
                long recordSize = 4L + covered + 4;
                if (covered == 0 || recordSize > length - offset || recordSize > Array.MaxLength)
                {
                    break; // cut short, or a damaged length: the tail starts here
                }

                if (record.Length < recordSize)
                {
                    ArrayPool<byte>.Shared.Return(record);
                    record = ArrayPool<byte>.Shared.Rent((int)recordSize);
                }

                Span<byte> bytes = record.AsSpan(0, (int)recordSize);
                lengthField.CopyTo(bytes);
                input.ReadExactly(bytes[4..]);
                int crcAt = 4 + (int)covered;
                if (Crc32.Compute(bytes[..crcAt]) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[crcAt..]))
                {
                    break;
                }

                Apply(state, (SessionLogRecordKind)bytes[4], bytes[5..crcAt], path, offset);
                offset += recordSize;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }

        return offset;
    }

    private static void Apply(SessionState state, SessionLogRecordKind kind, ReadOnlySpan<byte> payload, string path, long offset)
    {
        switch (kind)
        {
            case SessionLogRecordKind.AddPublish when payload.Length >= 8:
                long sequence = BinaryPrimitives.ReadInt64LittleEndian(payload);
                if (state.TryGetPublish(sequence, out _))
                {
                    throw Invalid(path, $"the record at offset {offset} adds sequence {sequence} a second time");
                }

                state.AddPublish(sequence, payload[8..]);
                break;
            case SessionLogRecordKind.SetPacketIdentifier when payload.Length == 10:
                state.SetPacketIdentifier(BinaryPrimitives.ReadInt64LittleEndian(payload), BinaryPrimitives.ReadUInt16LittleEndian(payload[8..]));
                break;
            case SessionLogRecordKind.MarkReleased when payload.Length == 8:
                state.MarkReleased(BinaryPrimitives.ReadInt64LittleEndian(payload));
                break;
            case SessionLogRecordKind.RemovePublish when payload.Length == 8:
                state.RemovePublish(BinaryPrimitives.ReadInt64LittleEndian(payload));
                break;
            case SessionLogRecordKind.AddReceived when payload.Length == 2:
                state.AddReceived(BinaryPrimitives.ReadUInt16LittleEndian(payload));
                break;
            case SessionLogRecordKind.RemoveReceived when payload.Length == 2:
                state.RemoveReceived(BinaryPrimitives.ReadUInt16LittleEndian(payload));
                break;
            case SessionLogRecordKind.ClearReceived when payload.Length == 0:
                state.ClearReceived();
                break;
            default:
                throw Invalid(path, $"the record at offset {offset} (kind {(byte)kind}, {payload.Length} payload bytes) is intact but unknown to this build");
        }
    }

    private static InvalidDataException Invalid(string path, string reason) =>
        new($"The session store file '{path}' cannot be read: {reason}. It was left as it is.");
}
