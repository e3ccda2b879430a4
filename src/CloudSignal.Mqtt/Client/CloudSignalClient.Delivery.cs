using System.Buffers;
using CloudSignal.Mqtt.Client;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt;

/// <summary>Received messages on their way to <see cref="Messages"/> and the message callback.</summary>
public sealed partial class CloudSignalClient
{
    private MqttMessageViewCallback? _onMessageView;

    /// <summary>Under <c>_gate</c> during a read loop's <c>HandleReceived</c>: where borrowed messages go.</summary>
    private List<BorrowedMessage>? _receiving;

    /// <summary>Serialises view callbacks across read loops (see DeliverViews).</summary>
    private readonly object _viewGate = new();

    /// <summary>Used under <c>_viewGate</c> only.</summary>
    private byte[]? _topicScratch;

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


    /// <summary>
    /// Runs the view callback for the messages the last <c>HandleReceived</c> decoded. Called by the
    /// read loop outside <c>_gate</c> but before it releases the receive buffer, which is what keeps
    /// the borrowed topic and payload valid during the call.
    /// </summary>
    private void DeliverViews(List<BorrowedMessage> received)
    {
        // One call at a time, in order, also across a reconnect: a new connection's read loop waits
        // here while the old one's callback still runs (and both use the topic scratch array).
        lock (_viewGate)
        {
            DeliverViewsLocked(received);
        }
    }

    private void DeliverViewsLocked(List<BorrowedMessage> received)
    {
        MqttMessageViewCallback? callback = _onMessageView;
        foreach (BorrowedMessage message in received)
        {
            if (callback is null)
            {
                break;
            }

            ReadOnlySpan<byte> topic = TopicBytes(message.Topic, ref _topicScratch);
            try
            {
                callback(new MqttMessageView(topic, message.Topic.IsSlice ? null : message.Topic.ToString(), message.Payload, message.Qos, message.Retain, message.Properties));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A callback's failure is the application's; it must not break the connection.
            }
        }

        received.Clear();
    }

    /// <summary>The topic as one span: the receive buffer's own bytes when contiguous, else a copy into a reused scratch array.</summary>
    private static ReadOnlySpan<byte> TopicBytes(in MqttString topic, ref byte[]? scratch)
    {
        if (topic.IsSlice && topic.Utf8.IsSingleSegment)
        {
            return topic.Utf8.FirstSpan;
        }

        if (scratch is null || scratch.Length < topic.ByteCount)
        {
            scratch = new byte[Math.Max(256, topic.ByteCount)];
        }

        Span<byte> bytes = scratch.AsSpan(0, topic.ByteCount);
        topic.CopyTo(bytes);
        return bytes;
    }

    /// <summary>
    /// Takes each message the session decodes (under <c>_gate</c>): kept borrowed for the view
    /// callback, and copied out of the receive buffer for <see cref="Messages"/> and the message
    /// callback unless only the view callback wants it.
    /// </summary>
    private sealed class MessageCollector(CloudSignalClient client) : IInboundMessageHandler
    {
        public void OnMessage(in InboundMessage message)
        {
            bool borrowed = client._onMessageView is not null && client._receiving is not null;
            if (borrowed)
            {
                client._receiving!.Add(new BorrowedMessage(message.Topic, message.Payload, message.Qos, message.Retain, message.Properties));
            }

            if (!borrowed || client._onMessage is not null || Volatile.Read(ref client._messagesRequested))
            {
                client._inbox.Add(new MqttMessage(
                    message.Topic.ToString(),
                    message.Payload.ToArray(),
                    message.Qos,
                    message.Retain,
                    PropertyMapping.FromWire(message.Properties)));
            }
        }
    }

    /// <summary>A decoded message still pointing into the receive buffer (what <see cref="InboundMessage"/> holds, storable).</summary>
    private readonly record struct BorrowedMessage(MqttString Topic, ReadOnlySequence<byte> Payload, MqttQos Qos, bool Retain, PublishPacketProperties Properties);
}
