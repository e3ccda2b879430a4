using System.Diagnostics;

namespace CloudSignal.Mqtt.Bench;

/// <summary>
/// Send and receipt timestamps per sequence number. IBenchClient hands the callback only the payload
/// length, so receipts are matched to sends by arrival order (mosquitto keeps one publisher's order on
/// one topic at QoS 0/1). Every <see cref="MarkerEvery"/>-th message is one byte longer: a marker
/// arriving off its slot (or a plain message in a marker's slot) means a message was lost or reordered,
/// and matching resynchronises at the marker instead of skewing every later latency.
/// </summary>
internal sealed class LatencyRecorder(int count)
{
    public const int MarkerEvery = 100;

    private int _next;
    private int _received;
    private int _resyncs;
    private long _lastReceipt;

    public long[] Scheduled { get; } = new long[count];

    public long[] Sent { get; } = new long[count];

    public long[] Receipts { get; } = new long[count];

    public int Count => count;

    public int Received => Volatile.Read(ref _received);

    public int Resyncs => _resyncs;

    public long LastReceipt => Volatile.Read(ref _lastReceipt);

    public static bool IsMarker(int sequence) => sequence % MarkerEvery == 0;

    /// <summary>Called by the subscriber's callback (one at a time per connection, in arrival order).</summary>
    public void OnMessage(int payloadLength, int markerLength)
    {
        long now = Stopwatch.GetTimestamp();
        int sequence = _next;
        bool marker = payloadLength == markerLength;
        if (marker && !IsMarker(sequence))
        {
            sequence = ((sequence / MarkerEvery) + 1) * MarkerEvery; // messages before this marker were lost
            _resyncs++;
        }
        else if (!marker && IsMarker(sequence))
        {
            sequence++; // the marker itself was lost
            _resyncs++;
        }

        if (sequence < count)
        {
            Receipts[sequence] = now;
            _next = sequence + 1;
            Volatile.Write(ref _lastReceipt, now);
            Interlocked.Increment(ref _received);
        }
    }
}
