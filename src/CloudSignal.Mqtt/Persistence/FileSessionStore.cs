using CloudSignal.Mqtt.Persistence;

namespace CloudSignal.Mqtt;

/// <summary>
/// A session store in an append-only log file, so that a session survives a restart of the
/// process (and, with <see cref="FileSessionStoreDurability.FlushToDisk"/>, a power loss).
/// </summary>
/// <remarks>
/// <para>
/// The constructor opens the file, takes it for this store alone (a second store on the same
/// path, in any process, gets <see cref="SessionStoreLockedException"/>), replays the log and
/// compacts it. A log cut short by a crash in the middle of a write is repaired: the log is cut
/// at the first record that is incomplete or fails its checksum, and everything before it is
/// kept (the records after a damaged one are dropped as well). A file that is not a session log,
/// or one written in a format version this build does not read, is refused with
/// <see cref="InvalidDataException"/> and left untouched.
/// </para>
/// <para>
/// The mutators only change the state in memory and append a record to a buffer; <see cref="Flush"/>
/// writes the buffer to the file and waits as <see cref="FileSessionStoreOptions.Durability"/> says,
/// and compacts the log (rewrites the live state into a new file that replaces it) when dead
/// records outweigh the live ones. All members are thread-safe; Flush may run while mutations go
/// on. <see cref="Load"/> returns the current state: publishes in sequence order with copies of
/// their bytes (empty once <see cref="MarkReleased"/> dropped them), identifiers in ascending
/// order. Changes to an unknown sequence are ignored; a second <see cref="AddPublish"/> with a
/// sequence already held throws <see cref="ArgumentException"/>.
/// </para>
/// <para>
/// If a write fails, Flush throws and the next Flush rewrites the whole log from memory rather
/// than append to a file whose end is uncertain. Besides the log, the store writes
/// <c>path + ".tmp"</c> while it compacts. Exclusive access relies on the operating system's file
/// locks (advisory on Unix: honoured by other session stores, not by every program).
/// </para>
/// </remarks>
public sealed class FileSessionStore : IMqttSessionStore, IDisposable
{
    private const int CompactionChunkBytes = 1 << 20;
    private const int OpenAttempts = 10;

    // Mutators take only _gate, briefly (the client calls them under its own lock). Flush, Dispose
    // and compaction take _io for the whole write, and _gate only to swap buffers or copy the state.
    private readonly Lock _gate = new();
    private readonly Lock _io = new();
    private readonly string _path;
    private readonly string _directory;
    private readonly FileSessionStoreOptions _options;
    private readonly SessionState _state = new();

    private LogBuffer _pending = new(); // records since the last Flush, CRCs not yet filled (_gate)
    private LogBuffer _writing = new(); // the batch a Flush is writing (_io)
    private FileStream _log;            // (_io)
    private long _logBytes;             // length of the log file (written under _io, read under both)
    private long _liveBytes;            // length a compacted log of the current state would have (_gate)
    private bool _rewrite;              // a write failed: the next Flush rewrites the log (_io)
    private bool _disposed;             // (_gate, set while holding _io too)

    /// <summary>Opens (or creates) the log at <paramref name="path"/>, replays it, repairs a torn tail and compacts it.</summary>
    /// <param name="path">The log file. Its directory must exist. The store also uses <c>path + ".tmp"</c>.</param>
    /// <param name="options">Durability and compaction settings; null for the defaults.</param>
    /// <exception cref="SessionStoreLockedException">Another store has the file open.</exception>
    /// <exception cref="InvalidDataException">The file is not a session log this build reads; it is left untouched.</exception>
    public FileSessionStore(string path, FileSessionStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new FileSessionStoreOptions();
        if (!Enum.IsDefined(options.Durability))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Durability, "Unknown durability.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.CompactionMinimumBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CompactionRatio, 1, nameof(options));

        _path = System.IO.Path.GetFullPath(path);
        _directory = System.IO.Path.GetDirectoryName(_path) ?? _path;
        _options = options;
        _log = OpenLog();
        try
        {
            long validEnd = _log.Length == 0 ? 0 : SessionLogReader.Replay(_log, _path, _state);

            // Left by a compaction a crash interrupted. Only now: the file is ours, and we own the log.
            TryDelete(_path + ".tmp");
            if (validEnd < _log.Length)
            {
                _log.SetLength(validEnd); // the torn tail: never append after it
                _log.Flush(flushToDisk: true);
            }

            _logBytes = validEnd;
            (KeyValuePair<long, PublishEntry>[] publishes, ushort[] received) = _state.Snapshot();
            _liveBytes = SessionLog.HeaderLength + (received.LongLength * SessionLog.IdentifierRecordSize);
            foreach ((_, PublishEntry entry) in publishes)
            {
                _liveBytes += SessionLog.PublishSize(entry);
            }

            if (_logBytes != _liveBytes)
            {
                Compact(publishes, received);
            }
        }
        catch
        {
            _log.Dispose();
            _pending.Dispose();
            _writing.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the log file.</summary>
    public string Path => _path;

    /// <inheritdoc/>
    public StoredSession Load()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _state.ToStoredSession();
        }
    }

    /// <inheritdoc/>
    public void AddPublish(long sequence, ReadOnlySpan<byte> message)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(message.Length, SessionLog.MaxMessageLength, nameof(message));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _state.AddPublish(sequence, message);
            SessionLog.WriteAddPublish(_pending, sequence, message);
            _liveBytes += SessionLog.AddPublishSize(message.Length);
        }
    }

    /// <inheritdoc/>
    public void SetPacketIdentifier(long sequence, ushort packetIdentifier)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state.TryGetPublish(sequence, out PublishEntry before) && _state.SetPacketIdentifier(sequence, packetIdentifier))
            {
                SessionLog.WriteSetPacketIdentifier(_pending, sequence, packetIdentifier);
                _liveBytes += PublishSizeNow(sequence) - SessionLog.PublishSize(before);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>The message bytes are dropped: <see cref="Load"/> returns this publish with an empty message.</remarks>
    public void MarkReleased(long sequence)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state.TryGetPublish(sequence, out PublishEntry before) && _state.MarkReleased(sequence))
            {
                SessionLog.WriteSequence(_pending, SessionLogRecordKind.MarkReleased, sequence);
                _liveBytes += PublishSizeNow(sequence) - SessionLog.PublishSize(before);
            }
        }
    }

    /// <inheritdoc/>
    public void RemovePublish(long sequence)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state.TryGetPublish(sequence, out PublishEntry before) && _state.RemovePublish(sequence))
            {
                SessionLog.WriteSequence(_pending, SessionLogRecordKind.RemovePublish, sequence);
                _liveBytes -= SessionLog.PublishSize(before);
            }
        }
    }

    /// <inheritdoc/>
    public void AddReceived(ushort packetIdentifier)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state.AddReceived(packetIdentifier))
            {
                SessionLog.WriteIdentifier(_pending, SessionLogRecordKind.AddReceived, packetIdentifier);
                _liveBytes += SessionLog.IdentifierRecordSize;
            }
        }
    }

    /// <inheritdoc/>
    public void RemoveReceived(ushort packetIdentifier)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state.RemoveReceived(packetIdentifier))
            {
                SessionLog.WriteIdentifier(_pending, SessionLogRecordKind.RemoveReceived, packetIdentifier);
                _liveBytes -= SessionLog.IdentifierRecordSize;
            }
        }
    }

    /// <inheritdoc/>
    public void ClearReceived()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int cleared = _state.ClearReceived();
            if (cleared > 0)
            {
                SessionLog.WriteClearReceived(_pending);
                _liveBytes -= (long)cleared * SessionLog.IdentifierRecordSize;
            }
        }
    }

    /// <summary>
    /// Writes the changes made so far to the file and waits as <see cref="FileSessionStoreOptions.Durability"/>
    /// says; compacts the log when dead records outweigh the live state. Returns at once when nothing changed.
    /// </summary>
    /// <exception cref="IOException">The write failed; the next Flush rewrites the whole log.</exception>
    public void Flush()
    {
        lock (_io)
        {
            FlushCore();
        }
    }

    /// <summary>Flushes, then closes the file. A failed flush still closes it, and throws.</summary>
    public void Dispose()
    {
        lock (_io)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
            }

            try
            {
                FlushCore();
            }
            finally
            {
                lock (_gate)
                {
                    _disposed = true;
                    _pending.Dispose();
                }

                _writing.Dispose();
                _log.Dispose();
            }
        }
    }

    /// <summary>Compactions done since the store opened, the one on open included (tests).</summary>
    internal int Compactions { get; private set; }

    /// <summary>Length of the log file now (tests: compaction).</summary>
    internal long LogBytes
    {
        get
        {
            lock (_io)
            {
                return _logBytes;
            }
        }
    }

    private static bool IsSharingViolation(IOException e) => e.HResult switch
    {
        unchecked((int)0x80070020) or unchecked((int)0x80070021) => OperatingSystem.IsWindows(), // sharing / lock violation
        11 => OperatingSystem.IsLinux(), // EWOULDBLOCK from flock
        35 => OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD(),
        _ => false,
    };

    private static FileStream OpenExclusive(string path, FileMode mode)
    {
        // FileShare.None takes an exclusive flock on Unix. Windows needs FileShare.Delete so that
        // the compacted file can be renamed while this handle is open.
        FileShare share = OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None;
        try
        {
            return new FileStream(path, mode, FileAccess.ReadWrite, share, bufferSize: 0);
        }
        catch (IOException e) when (IsSharingViolation(e))
        {
            throw new SessionStoreLockedException(path, e);
        }
    }

    private FileStream OpenLog()
    {
        for (int attempt = 0; attempt < OpenAttempts; attempt++)
        {
            FileStream log = OpenExclusive(_path, FileMode.OpenOrCreate);
            try
            {
                if (SessionLogReader.ReadHeader(log, _path) != SessionLogReader.HeaderStatus.Superseded)
                {
                    return log;
                }
            }
            catch
            {
                log.Dispose();
                throw;
            }

            // Another store compacted between our open and our lock: the path names a newer file.
            log.Dispose();
        }

        // Only a file kept past its replacement (a hard link, a copy) stays stamped at its path.
        throw new InvalidDataException($"The session store file '{_path}' is marked as replaced by a compaction: it is an outdated copy of a session log.");
    }

    private long PublishSizeNow(long sequence) =>
        _state.TryGetPublish(sequence, out PublishEntry now) ? SessionLog.PublishSize(now) : 0;

    private bool ShouldCompact(long logBytes, long liveBytes) =>
        logBytes > _options.CompactionMinimumBytes && logBytes > _options.CompactionRatio * liveBytes;

    private void FlushCore()
    {
        LogBuffer? batch = null;
        KeyValuePair<long, PublishEntry>[]? publishes = null;
        ushort[]? received = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_rewrite || ShouldCompact(_logBytes + _pending.WrittenCount, _liveBytes))
            {
                // The copy holds every change so far; the records waiting for the file are in it.
                (publishes, received) = _state.Snapshot();
                _pending.Reset();
            }
            else if (_pending.WrittenCount > 0)
            {
                batch = _pending;
                _pending = _writing;
                _writing = batch;
            }
        }

        if (publishes is not null)
        {
            Compact(publishes, received!);
        }
        else if (batch is not null)
        {
            Append(batch);
        }
    }

    private void Append(LogBuffer batch)
    {
        try
        {
            SessionLog.Seal(batch.WrittenSpan);
            _log.Position = _logBytes;
            _log.Write(batch.WrittenSpan);
            if (_options.Durability == FileSessionStoreDurability.FlushToDisk)
            {
                _log.Flush(flushToDisk: true);
            }

            _logBytes += batch.WrittenCount;
        }
        catch
        {
            // The file may now end in part of this batch; the state in memory has all of it.
            _rewrite = true;
            throw;
        }
        finally
        {
            batch.Reset();
        }
    }

    /// <summary>
    /// Writes the state into <c>path + ".tmp"</c>, flushes it to disk (whatever the durability:
    /// a replaced log must never be lost), renames it over the log and flushes the directory.
    /// </summary>
    private void Compact(KeyValuePair<long, PublishEntry>[] publishes, ushort[] received)
    {
        Array.Sort(publishes, static (a, b) => a.Key.CompareTo(b.Key));
        Array.Sort(received);
        string temporaryPath = _path + ".tmp";
        FileStream? temporary = null;
        LogBuffer chunk = _writing;
        try
        {
            temporary = OpenExclusive(temporaryPath, FileMode.Create);
            Span<byte> header = stackalloc byte[SessionLog.HeaderLength];
            SessionLog.WriteHeader(header, flags: 0);
            temporary.Write(header);
            foreach ((long sequence, PublishEntry entry) in publishes)
            {
                SessionLog.WritePublish(chunk, sequence, entry);
                WriteChunkIfFull(temporary, chunk, CompactionChunkBytes);
            }

            foreach (ushort packetIdentifier in received)
            {
                SessionLog.WriteIdentifier(chunk, SessionLogRecordKind.AddReceived, packetIdentifier);
                WriteChunkIfFull(temporary, chunk, CompactionChunkBytes);
            }

            WriteChunkIfFull(temporary, chunk, 0);
            temporary.Flush(flushToDisk: true);
            ReplaceLog(temporary, temporaryPath);
            temporary = null;
            DirectoryFlush.Flush(_directory);
            _rewrite = false;
            Compactions++;
        }
        catch
        {
            _rewrite = true;
            if (temporary is not null)
            {
                temporary.Dispose();
                TryDelete(temporaryPath);
            }

            throw;
        }
        finally
        {
            chunk.Reset();
        }
    }

    private static void WriteChunkIfFull(FileStream file, LogBuffer chunk, int threshold)
    {
        if (chunk.WrittenCount > 0 && chunk.WrittenCount >= threshold)
        {
            SessionLog.Seal(chunk.WrittenSpan);
            file.Write(chunk.WrittenSpan);
            chunk.Reset();
        }
    }

    private void ReplaceLog(FileStream temporary, string temporaryPath)
    {
        long length = temporary.Length;
        if (OperatingSystem.IsWindows())
        {
            // Windows cannot replace a file this process holds open; the new file stays locked meanwhile.
            _log.Dispose();
            try
            {
                File.Move(temporaryPath, _path, overwrite: true);
            }
            catch
            {
                _log = OpenExclusive(_path, FileMode.Open);
                throw;
            }

            _log = temporary;
        }
        else
        {
            File.Move(temporaryPath, _path, overwrite: true);
            FileStream replaced = _log;
            _log = temporary;
            StampSuperseded(replaced);
            replaced.Dispose();
        }

        _logBytes = length;
    }

    private static void StampSuperseded(FileStream replaced)
    {
        // Best effort: the file is unlinked; the stamp only matters to a store that opened it
        // just before the rename (see SessionLog.cs).
        try
        {
            Span<byte> header = stackalloc byte[SessionLog.HeaderLength];
            SessionLog.WriteHeader(header, SessionLog.SupersededFlag);
            RandomAccess.Write(replaced.SafeFileHandle, header, 0);
        }
        catch (IOException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
