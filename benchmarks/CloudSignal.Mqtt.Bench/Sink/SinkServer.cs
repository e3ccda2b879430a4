using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CloudSignal.Mqtt.Bench.Sink;

/// <summary>
/// A minimal MQTT endpoint on 127.0.0.1:0 that stands in for the broker so a run measures the client
/// alone: CONNECT gets a success CONNACK, each PUBLISH is counted (QoS 1 answered with PUBACK),
/// PINGREQ gets PINGRESP, DISCONNECT closes. One blocking thread per connection (see
/// <see cref="SinkConnection"/>) so the sink's own allocations can be attributed per thread.
/// </summary>
internal sealed class SinkServer : IDisposable
{
    private readonly Socket _listener;
    private readonly Task _acceptLoop;
    private long _published;
    private long _target = long.MaxValue;
    private long _sinkAllocated;
    private TaskCompletionSource<long> _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly bool _quickAck;

    private SinkServer(Socket listener, bool quickAck)
    {
        _listener = listener;
        _quickAck = quickAck;
        _acceptLoop = AcceptLoopAsync();
    }

    public bool QuickAck => _quickAck;

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    /// <summary>Bytes allocated so far by all connection threads after their start-up buffers.</summary>
    public long SinkAllocatedBytes => Interlocked.Read(ref _sinkAllocated);

    /// <summary>Listens on 127.0.0.1:0; <paramref name="quickAck"/> (Linux only) see <see cref="SinkConnection"/>.</summary>
    public static SinkServer Start(bool quickAck)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        return new SinkServer(listener, quickAck && OperatingSystem.IsLinux());
    }

    /// <summary>
    /// Resets the PUBLISH count and returns the <see cref="Stopwatch"/> timestamp at which
    /// <paramref name="count"/> PUBLISH frames have arrived. Call only while no traffic is in flight.
    /// </summary>
    public Task<long> ExpectPublishes(long count)
    {
        var reached = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _target, long.MaxValue);
        Interlocked.Exchange(ref _published, 0);
        Volatile.Write(ref _reached, reached);
        Volatile.Write(ref _target, count);
        return reached.Task;
    }

    /// <summary>Lowers the pending target to what was actually sent (a time-capped run stopped early).</summary>
    public void Retarget(long count)
    {
        Volatile.Write(ref _target, count);
        if (Interlocked.Read(ref _published) >= count)
        {
            Volatile.Read(ref _reached).TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    public long PublishCount => Interlocked.Read(ref _published);

    public void Dispose()
    {
        _listener.Dispose();
        try
        {
            _acceptLoop.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The accept loop ends by the listener being closed.
        }
    }

    /// <summary>Called by a connection thread after each received chunk (counted once per chunk, not per frame).</summary>
    internal void OnChunk(int publishes, long allocatedDelta)
    {
        if (allocatedDelta != 0)
        {
            Interlocked.Add(ref _sinkAllocated, allocatedDelta);
        }

        if (publishes == 0)
        {
            return;
        }

        long total = Interlocked.Add(ref _published, publishes);
        if (total >= Volatile.Read(ref _target))
        {
            Volatile.Read(ref _reached).TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // listener closed
            }

            socket.NoDelay = true;
            var connection = new SinkConnection(this, socket, _quickAck);
            new Thread(connection.Run) { IsBackground = true, Name = "mqtt-sink" }.Start();
        }
    }
}
