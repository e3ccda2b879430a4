using System.Buffers;
using CloudSignal.Mqtt.Client;
using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt;

/// <summary>Received messages on their way to <see cref="Messages"/> and the message callback.</summary>
public sealed partial class CloudSignalClient
{
    /// <summary>
    /// Hands messages to <see cref="Messages"/> and the callback. Not cancelled with the connection:
    /// the session acknowledged them on receipt (PUBACK/PUBREC queued), so the broker will not send
    /// them again and dropping them here would lose them. DisposeAsync completes the channel, which
    /// ends a wait. One delivery at a time, so a read loop of a newer connection cannot overtake
    /// an older one still waiting for room (order, and the channel's single writer).
    /// </summary>
    private async Task DeliverAsync(MqttMessage[] messages)
    {
        await _delivery.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (MqttMessage message in messages)
            {
                if (Volatile.Read(ref _messagesRequested))
                {
                    // Back-pressure: when the application is behind, this waits and the socket is not read.
                    await _messages.Writer.WriteAsync(message).ConfigureAwait(false);
                }
                else
                {
                    // Nobody reads Messages yet (and may never): keep the newest, drop the oldest.
                    while (!_messages.Writer.TryWrite(message) && _messages.Reader.TryRead(out _))
                    {
                    }
                }

                Invoke(_onMessage, message);
            }
        }
        finally
        {
            _delivery.Release();
        }
    }


    /// <summary>Copies each delivered message out of the receive buffer (the session calls this under <c>_gate</c>).</summary>
    private sealed class MessageCollector(CloudSignalClient client) : IInboundMessageHandler
    {
        public void OnMessage(in InboundMessage message) =>
            client._inbox.Add(new MqttMessage(
                message.Topic.ToString(),
                message.Payload.ToArray(),
                message.Qos,
                message.Retain,
                PropertyMapping.FromWire(message.Properties)));
    }
}
