namespace CloudSignal.Mqtt;

/// <summary>Settings of a <see cref="FileSessionStore"/>.</summary>
public sealed class FileSessionStoreOptions
{
    /// <summary>What Flush waits for. Default: <see cref="FileSessionStoreDurability.FlushToDisk"/>.</summary>
    public FileSessionStoreDurability Durability { get; init; } = FileSessionStoreDurability.FlushToDisk;

    /// <summary>
    /// The log is not compacted while it is at most this long. Default 1 MiB. With
    /// <see cref="CompactionRatio"/>: a Flush compacts the log when it is longer than both this and
    /// <see cref="CompactionRatio"/> times the live state. The log is also compacted when it is opened.
    /// </summary>
    public long CompactionMinimumBytes { get; init; } = 1 << 20;

    /// <summary>
    /// How many times larger than the live state the log may grow before a Flush compacts it (at
    /// least 1). Default 4: at most three quarters of the file is dead records.
    /// </summary>
    public int CompactionRatio { get; init; } = 4;
}
