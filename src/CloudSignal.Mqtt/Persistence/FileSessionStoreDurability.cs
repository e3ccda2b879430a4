namespace CloudSignal.Mqtt;

/// <summary>What <see cref="FileSessionStore.Flush"/> waits for.</summary>
public enum FileSessionStoreDurability
{
    /// <summary>
    /// The default: Flush writes the changes and waits until the device has them (fsync), so they
    /// survive a power loss or an operating system crash. Costs a device round trip per Flush.
    /// </summary>
    FlushToDisk,

    /// <summary>
    /// Flush hands the changes to the operating system and returns: they survive a crash of the
    /// process, not a power loss. The file stays readable after a power loss (a torn tail is cut
    /// on open), but the last changes may be missing.
    /// </summary>
    FlushToOperatingSystem,
}
