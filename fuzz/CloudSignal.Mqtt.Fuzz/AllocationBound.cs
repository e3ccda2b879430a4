using System.Buffers;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// How much one decoder step may allocate: a constant plus a little per byte actually present.
/// A length field (Remaining Length, a string or property length) only claims bytes; memory
/// sized by a claim would let 5 bytes on the wire ask for 256 MB, so the bound ignores claims.
/// Measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/> around the step.
/// </summary>
internal static class AllocationBound
{
    /// <summary>Waiting for more bytes allocates nothing, whatever the header claims.</summary>
    private const long Incomplete = 0;

    /// <summary>A packet: the box, and its lists (user properties, subscriptions, reason codes).</summary>
    private const long DecodedBase = 4 * 1024;

    /// <summary>A rejection: the exception, its message and stack trace.</summary>
    private const long RejectedBase = 32 * 1024;

    private const long PerByte = 64;

    public static long For(OperationStatus status, long bytesPresent) => status switch
    {
        OperationStatus.NeedMoreData => Incomplete,
        OperationStatus.Done => DecodedBase + (PerByte * bytesPresent),
        _ => RejectedBase + (PerByte * bytesPresent),
    };

    public static bool Allows(OperationStatus status, long bytesPresent, long allocated) => allocated <= For(status, bytesPresent);
}
