using System.Net.Sockets;

namespace CloudSignal.Mqtt.Bench.Sink;

/// <summary>
/// One sink connection on its own thread with blocking socket calls: reads whole chunks, walks the
/// MQTT frames in them (frames may span reads; a PUBLISH body is skipped, not buffered) and sends
/// the replies of a chunk in one write. Allocates nothing per message. With quick ACK the sink
/// acknowledges TCP segments at once instead of the kernel's delayed ACK (up to 40 ms): without it
/// MQTTnet's 64 KiB publishes stall at ~25 msg/s against a sink that never answers QoS 0 (its e2e
/// figures through mosquitto show the same effect, milder) — a TCP interplay, not the client's CPU limit.
/// </summary>
internal sealed class SinkConnection(SinkServer server, Socket socket, bool quickAck)
{
    // Linux setsockopt(IPPROTO_TCP, TCP_QUICKACK): not sticky, so it is renewed after every read.
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;

    private const byte Connect = 1;
    private const byte Publish = 3;
    private const byte PingReq = 12;
    private const byte Disconnect = 14;

    // Large reads keep the sink's syscall count far below the client's under a window.
    private readonly byte[] _input = new byte[256 * 1024];
    private readonly byte[] _replies = new byte[64 * 1024];
    private int _start;
    private int _end;
    private long _skip;
    private int _replyLength;
    private int _publishes;
    private bool _closing;

    public void Run()
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            while (!_closing)
            {
                int read = socket.Receive(_input, _end, _input.Length - _end, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }

                _end += read;
                if (quickAck)
                {
                    socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, [1, 0, 0, 0]);
                }

                ParseFrames();
                FlushReplies();
                CompactInput();

                long allocatedNow = GC.GetAllocatedBytesForCurrentThread();
                server.OnChunk(_publishes, allocatedNow - allocatedBefore);
                allocatedBefore = allocatedNow;
                _publishes = 0;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Peer reset or sink disposed: the connection simply ends.
        }
        catch (InvalidDataException e)
        {
            // A malformed stream is a harness bug; end this connection rather than the process.
            Console.Error.WriteLine($"sink: {e.Message}; connection closed");
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>Consumes every complete frame (or frame prefix that suffices) in the input.</summary>
    private void ParseFrames()
    {
        while (!_closing)
        {
            if (_skip > 0)
            {
                int take = (int)Math.Min(_skip, _end - _start);
                _start += take;
                _skip -= take;
                if (_skip > 0)
                {
                    return; // the rest of this frame's body is in later reads
                }

                continue;
            }

            if (!TryReadFixedHeader(out byte first, out int remaining, out int headerLength))
            {
                return;
            }

            int available = _end - _start;
            int body = _start + headerLength;
            switch (first >> 4)
            {
                case Publish:
                    int qos = (first >> 1) & 3;
                    if (qos > 0)
                    {
                        // Only topic length, topic and packet identifier are needed for the PUBACK.
                        if (available < headerLength + 2)
                        {
                            return;
                        }

                        int topicLength = (_input[body] << 8) | _input[body + 1];
                        if (available < headerLength + 2 + topicLength + 2)
                        {
                            return;
                        }

                        int packetId = body + 2 + topicLength;
                        AppendReply(0x40, 0x02, _input[packetId], _input[packetId + 1]);
                    }

                    _publishes++;
                    break;
                case Connect:
                    if (available < headerLength + remaining)
                    {
                        return; // CONNECT is small: wait for all of it
                    }

                    // Variable header: protocol name (length-prefixed), then the protocol level.
                    int nameLength = (_input[body] << 8) | _input[body + 1];
                    byte level = _input[body + 2 + nameLength];
                    if (level >= 5)
                    {
                        AppendReply(0x20, 0x03, 0x00, 0x00, 0x00); // flags, reason Success, no properties
                    }
                    else
                    {
                        AppendReply(0x20, 0x02, 0x00, 0x00); // flags, return code Accepted
                    }

                    break;
                case PingReq:
                    AppendReply(0xD0, 0x00);
                    break;
                case Disconnect:
                    _closing = true;
                    return;
                default:
                    break; // anything else is skipped
            }

            _skip = headerLength + (long)remaining;
        }
    }

    /// <summary>Fixed header: type/flags byte and the Remaining Length variable byte integer (1–4 bytes).</summary>
    private bool TryReadFixedHeader(out byte first, out int remaining, out int headerLength)
    {
        first = 0;
        remaining = 0;
        headerLength = 0;
        if (_end - _start < 2)
        {
            return false;
        }

        first = _input[_start];
        int multiplier = 1;
        for (int i = 1; i <= 4; i++)
        {
            if (_start + i >= _end)
            {
                return false;
            }

            byte digit = _input[_start + i];
            remaining += (digit & 0x7F) * multiplier;
            if ((digit & 0x80) == 0)
            {
                headerLength = i + 1;
                return true;
            }

            multiplier *= 128;
        }

        throw new InvalidDataException("malformed Remaining Length");
    }

    private void AppendReply(params ReadOnlySpan<byte> reply)
    {
        if (_replyLength + reply.Length > _replies.Length)
        {
            FlushReplies();
        }

        reply.CopyTo(_replies.AsSpan(_replyLength));
        _replyLength += reply.Length;
    }

    private void FlushReplies()
    {
        int sent = 0;
        while (sent < _replyLength)
        {
            sent += socket.Send(_replies, sent, _replyLength - sent, SocketFlags.None);
        }

        _replyLength = 0;
    }

    /// <summary>Moves an incomplete frame prefix (a few bytes: bodies are skipped) to the front.</summary>
    private void CompactInput()
    {
        int left = _end - _start;
        if (left > 0 && _start > 0)
        {
            Buffer.BlockCopy(_input, _start, _input, 0, left);
        }
        else if (left == _input.Length)
        {
            throw new InvalidDataException("frame prefix larger than the sink's buffer");
        }

        _start = 0;
        _end = left;
    }
}
