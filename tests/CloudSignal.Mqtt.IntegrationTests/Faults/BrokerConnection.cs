using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// One accepted TCP connection of a <see cref="ScriptedBroker"/>: a read loop that hands whole
/// packets to the broker, a write loop that applies the script's write faults, and the record of
/// every packet both ways. Packet handling and the record live under the broker's lock.
/// </summary>
internal sealed class BrokerConnection
{
    private readonly ScriptedBroker _broker;
    private readonly Socket _socket;

    // Byte arrays to write; null is the close marker: everything queued before it is written, then FIN.
    private readonly Channel<byte[]?> _output = Channel.CreateUnbounded<byte[]?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<RecordedPacket> _packets = [];
    private readonly Dictionary<(PacketDirection, PacketType), int> _counts = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sendCalls;
    private long _bytesSent;

    internal BrokerConnection(ScriptedBroker broker, Socket socket, int number)
    {
        _broker = broker;
        _socket = socket;
        _socket.NoDelay = true;
        Number = number;
    }

    /// <summary>1 for the first connection the broker accepted, 2 for the next, …</summary>
    public int Number { get; }

    /// <summary>The client identifier from CONNECT (or the one the broker assigned); empty before CONNECT.</summary>
    public string ClientId { get; internal set; } = string.Empty;

    /// <summary>The protocol level of the CONNECT; null before it.</summary>
    public MqttProtocolVersion? Version { get; internal set; }

    /// <summary>Completes when both loops have ended and the socket is closed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Socket send calls made (with <see cref="FaultScript.OneBytePerSend"/>: one per byte).</summary>
    public long SendCalls => Interlocked.Read(ref _sendCalls);

    /// <summary>Bytes written to the socket.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>A copy of the record: every packet received and sent, in order.</summary>
    public IReadOnlyList<RecordedPacket> Packets
    {
        get
        {
            lock (_broker.Gate)
            {
                return [.. _packets];
            }
        }
    }

    /// <summary>The reason code of the DISCONNECT the client sent (0x00 for a 3.1.1 one), or null if none came.</summary>
    public MqttReasonCode? DisconnectReasonCode =>
        Packets.LastOrDefault(p => p.Direction == PacketDirection.FromClient && p.Type == PacketType.Disconnect)?.ReasonCode;

    /// <summary>The reason code of bytes from the client our decoder refused, or null.</summary>
    public MqttReasonCode? ClientProtocolError { get; internal set; }

    /// <summary>The session this connection is attached to (after CONNECT).</summary>
    internal BrokerSession? Session { get; set; }

    /// <summary>No more packets are handled or queued: the connection is closing.</summary>
    internal bool IsCut { get; private set; }

    public IReadOnlyList<RecordedPacket> Received(PacketType type) =>
        Packets.Where(p => p.Direction == PacketDirection.FromClient && p.Type == type).ToList();

    public IReadOnlyList<RecordedPacket> Sent(PacketType type) =>
        Packets.Where(p => p.Direction == PacketDirection.ToClient && p.Type == type && !p.Dropped).ToList();

    /// <summary>Under the broker's lock: the 1-based index of the next packet of this type in this direction.</summary>
    internal int NextIndex(PacketDirection direction, PacketType type)
    {
        _counts.TryGetValue((direction, type), out int n);
        _counts[(direction, type)] = ++n;
        return n;
    }

    /// <summary>Under the broker's lock.</summary>
    internal void Record(RecordedPacket packet) => _packets.Add(packet);

    /// <summary>Under the broker's lock: queue bytes to write, unless the connection is closing.</summary>
    internal bool Enqueue(byte[] bytes) => !IsCut && _output.Writer.TryWrite(bytes);

    /// <summary>Under the broker's lock: write what is queued, then close; nothing more is handled or queued.</summary>
    internal void Cut()
    {
        if (!IsCut)
        {
            IsCut = true;
            _output.Writer.TryWrite(null);
        }
    }

    /// <summary>Runs both loops to the end; a broker bug (an exception from packet handling) faults the task after cleanup.</summary>
    internal async Task RunAsync()
    {
        Task writer = WriteLoopAsync();
        try
        {
            await ReadLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_broker.Gate)
            {
                Cut();
            }

            await writer.ConfigureAwait(false);
            _broker.OnConnectionClosed(this);
            _closed.TrySetResult();
        }
    }

    private async Task ReadLoopAsync()
    {
        PipeReader reader = PipeReader.Create(new NetworkStream(_socket, ownsSocket: false));
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool cut = _broker.OnReceived(this, ref buffer);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (cut || result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket was closed under the read (by the write loop, or by the client).
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        ChannelReader<byte[]?> output = _output.Reader;
        var batch = new ArrayBufferWriter<byte>();
        try
        {
            while (await output.WaitToReadAsync().ConfigureAwait(false))
            {
                bool close = false;
                while (!close && output.TryRead(out byte[]? bytes))
                {
                    if (bytes is null)
                    {
                        close = true;
                        break;
                    }

                    (TimeSpan delay, bool oneByte) = _broker.Script.WriteMode;
                    if (delay > TimeSpan.Zero || oneByte)
                    {
                        await SendAsync(batch).ConfigureAwait(false);
                        if (delay > TimeSpan.Zero)
                        {
                            await Task.Delay(delay).ConfigureAwait(false);
                        }

                        if (oneByte)
                        {
                            for (int i = 0; i < bytes.Length; i++)
                            {
                                await SendAsync(bytes.AsMemory(i, 1)).ConfigureAwait(false);
                            }

                            continue;
                        }
                    }

                    // Packets queued together go out in one send, as a real broker's would.
                    batch.Write(bytes);
                }

                await SendAsync(batch).ConfigureAwait(false);
                if (close)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The client went away; the read loop sees it too.
        }
        finally
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already reset by the client.
            }

            _socket.Dispose();
        }
    }

    private async Task SendAsync(ArrayBufferWriter<byte> batch)
    {
        if (batch.WrittenCount > 0)
        {
            await SendAsync(batch.WrittenMemory).ConfigureAwait(false);
            batch.ResetWrittenCount();
        }
    }

    private async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
            Interlocked.Increment(ref _sendCalls);
            Interlocked.Add(ref _bytesSent, sent);
            bytes = bytes[sent..];
        }
    }
}
