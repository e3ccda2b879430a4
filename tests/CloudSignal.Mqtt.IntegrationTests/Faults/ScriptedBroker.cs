using System.Net;
using System.Net.Sockets;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>
/// A small MQTT 3.1.1/5.0 broker for tests, built on the library's own codec, that injects the
/// faults of its <see cref="Script"/>: refused CONNACK, silence on PINGREQ, a connection cut at a
/// chosen packet, malformed bytes, delays, one byte per TCP send, injected (duplicate) PUBLISHes.
/// </summary>
/// <remarks>
/// <para>
/// Broker behaviour, minimal but correct: CONNACK (Session Present when it holds a session for
/// the client identifier and Clean Start is 0; a session outlives its connection under 3.1.1
/// Clean Session 0 or a 5.0 Session Expiry Interval above 0, and a second connection with the
/// same identifier takes the first one over), PUBACK, PUBREC/PUBREL/PUBCOMP with the exactly-once
/// record of identifiers awaiting PUBREL, SUBACK granting the requested QoS, UNSUBACK, PINGRESP.
/// PUBLISHes are routed to matching subscriptions ('+', '#') at the lower of the two QoS levels,
/// with the broker's own packet identifiers; a resumed session gets its unacknowledged messages
/// again (DUP, or PUBREL past PUBREC) in order. Not implemented: retained messages, wills, topic
/// aliases, AUTH, keep alive enforcement on the broker side.
/// </para>
/// <para>
/// One lock (<see cref="Gate"/>) guards all state and every packet's handling; each connection
/// has its own read and write loops (see <see cref="BrokerConnection"/>).
/// </para>
/// </remarks>
internal sealed partial class ScriptedBroker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<BrokerConnection> _connections = [];
    private readonly List<Task> _running = [];
    private readonly Dictionary<int, TaskCompletionSource<BrokerConnection>> _accepted = [];
    private readonly Dictionary<string, BrokerSession> _sessions = new(StringComparer.Ordinal);
    private readonly List<BrokerMessage> _messages = [];
    private readonly Task _acceptLoop;
    private int _drops;
    private bool _disposed;

    public ScriptedBroker()
    {
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The faults to inject; change it at any time.</summary>
    public FaultScript Script { get; } = new();

    /// <summary>Connect here.</summary>
    public string Url => $"mqtt://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Connections accepted so far.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (Gate)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Connections cut by <see cref="FaultScript.DropAt"/>.</summary>
    public int DropCount
    {
        get
        {
            lock (Gate)
            {
                return _drops;
            }
        }
    }

    /// <summary>A copy of the broker's delivery record (see <see cref="BrokerMessage"/>).</summary>
    public IReadOnlyList<BrokerMessage> Messages
    {
        get
        {
            lock (Gate)
            {
                return [.. _messages];
            }
        }
    }

    internal Lock Gate { get; } = new();

    /// <summary>Connection number <paramref name="number"/> (from 1), which must have been accepted.</summary>
    public BrokerConnection Connection(int number)
    {
        lock (Gate)
        {
            return _connections[number - 1];
        }
    }

    /// <summary>Completes when connection number <paramref name="number"/> (from 1) is accepted.</summary>
    public Task<BrokerConnection> WaitForConnectionAsync(int number, TimeSpan timeout)
    {
        lock (Gate)
        {
            return Accepted(number).Task.WaitAsync(timeout);
        }
    }

    /// <summary>
    /// Writes a PUBLISH to connection <paramref name="connection"/> as given, DUP and packet
    /// identifier included, and tracks its QoS 1/2 flow like a routed one (PUBREC is answered with
    /// PUBREL). Sending the same identifier again before the flow ends makes a duplicate.
    /// Returns false if the connection is closing.
    /// </summary>
    public bool SendPublish(int connection, string topic, byte[] payload, MqttQos qos, bool dup = false, ushort packetId = 0, bool retain = false)
    {
        lock (Gate)
        {
            BrokerConnection c = _connections[connection - 1];
            if (qos != MqttQos.AtMostOnce && c.Session is { } session && !session.Outbound.ContainsKey(packetId))
            {
                session.Outbound[packetId] = new OutboundFlow(topic, payload, qos, NextSequence()) { PacketId = packetId, Sent = true };
            }

            return Send(c, new PublishPacket
            {
                Dup = dup,
                Qos = qos,
                Retain = retain,
                TopicName = topic,
                PacketIdentifier = packetId,
                Payload = payload,
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (Gate)
        {
            _disposed = true;
            foreach (BrokerConnection c in _connections)
            {
                c.Cut();
            }

            running = [.. _running];
        }

        _listener.Stop();
        try
        {
            await Task.WhenAll(running.Append(_acceptLoop)).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or TimeoutException)
        {
            // The accept loop ends with the listener; a connection that would not close is abandoned.
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            BrokerConnection connection;
            TaskCompletionSource<BrokerConnection> accepted;
            lock (Gate)
            {
                if (_disposed)
                {
                    socket.Dispose();
                    return;
                }

                connection = new BrokerConnection(this, socket, _connections.Count + 1);
                _connections.Add(connection);
                accepted = Accepted(connection.Number);
                _running.Add(Task.Run(connection.RunAsync));
            }

            accepted.TrySetResult(connection);
        }
    }

    /// <summary>Under <see cref="Gate"/>.</summary>
    private TaskCompletionSource<BrokerConnection> Accepted(int number)
    {
        if (!_accepted.TryGetValue(number, out TaskCompletionSource<BrokerConnection>? tcs))
        {
            tcs = new TaskCompletionSource<BrokerConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            _accepted[number] = tcs;
        }

        return tcs;
    }
}
