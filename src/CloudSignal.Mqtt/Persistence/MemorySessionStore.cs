using CloudSignal.Mqtt.Persistence;

namespace CloudSignal.Mqtt;

/// <summary>
/// A session store in the process's memory: the session outlives one client (dispose a client,
/// create another on the same store and it resumes), but not the process.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="Load"/> returns the current state: publishes in sequence order with
/// copies of their bytes (empty once <see cref="MarkReleased"/> dropped them), identifiers in
/// ascending order. Changes to an unknown sequence are ignored; a second
/// <see cref="AddPublish"/> with a sequence already held throws <see cref="ArgumentException"/>.
/// </remarks>
public sealed class MemorySessionStore : IMqttSessionStore
{
    private readonly Lock _gate = new();
    private readonly SessionState _state = new();

    /// <inheritdoc/>
    public StoredSession Load()
    {
        lock (_gate)
        {
            return _state.ToStoredSession();
        }
    }

    /// <inheritdoc/>
    public void AddPublish(long sequence, ReadOnlySpan<byte> message)
    {
        lock (_gate)
        {
            _state.AddPublish(sequence, message);
        }
    }

    /// <inheritdoc/>
    public void SetPacketIdentifier(long sequence, ushort packetIdentifier)
    {
        lock (_gate)
        {
            _state.SetPacketIdentifier(sequence, packetIdentifier);
        }
    }

    /// <inheritdoc/>
    public void MarkReleased(long sequence)
    {
        lock (_gate)
        {
            _state.MarkReleased(sequence);
        }
    }

    /// <inheritdoc/>
    public void RemovePublish(long sequence)
    {
        lock (_gate)
        {
            _state.RemovePublish(sequence);
        }
    }

    /// <inheritdoc/>
    public void AddReceived(ushort packetIdentifier)
    {
        lock (_gate)
        {
            _state.AddReceived(packetIdentifier);
        }
    }

    /// <inheritdoc/>
    public void RemoveReceived(ushort packetIdentifier)
    {
        lock (_gate)
        {
            _state.RemoveReceived(packetIdentifier);
        }
    }

    /// <inheritdoc/>
    public void ClearReceived()
    {
        lock (_gate)
        {
            _state.ClearReceived();
        }
    }

    /// <summary>Nothing to do: the state is only in memory.</summary>
    public void Flush()
    {
    }
}
