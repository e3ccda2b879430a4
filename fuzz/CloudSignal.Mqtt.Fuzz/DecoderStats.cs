using System.Buffers;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>What the decoder target saw over many inputs (smoke mode prints it).</summary>
internal sealed class DecoderStats
{
    public long Decoded { get; private set; }

    public long Incomplete { get; private set; }

    public long Rejected { get; private set; }

    /// <summary>Most bytes one step allocated, by outcome: how close the runs came to <see cref="AllocationBound"/>.</summary>
    public long MaxAllocatedIncomplete { get; private set; }

    public long MaxAllocatedDecoded { get; private set; }

    public long MaxAllocatedRejected { get; private set; }

    public void Record(OperationStatus status, long allocated)
    {
        switch (status)
        {
            case OperationStatus.Done:
                Decoded++;
                MaxAllocatedDecoded = Math.Max(MaxAllocatedDecoded, allocated);
                break;
            case OperationStatus.NeedMoreData:
                Incomplete++;
                MaxAllocatedIncomplete = Math.Max(MaxAllocatedIncomplete, allocated);
                break;
            default:
                Rejected++;
                MaxAllocatedRejected = Math.Max(MaxAllocatedRejected, allocated);
                break;
        }
    }
}
