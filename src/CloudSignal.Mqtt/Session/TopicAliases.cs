using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Session;

/// <summary>
/// Outbound topic aliases (5.0 §3.3.2.3.4), chosen automatically: a topic sent again uses its
/// alias and an empty topic; when all aliases the server allows are taken, the least recently
/// used one is given to the new topic. Aliases live for one connection [MQTT-3.3.2-7].
/// </summary>
internal sealed class OutboundTopicAliases
{
    private readonly Dictionary<string, LinkedListNode<(string Topic, ushort Alias)>> _byTopic = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Topic, ushort Alias)> _recency = new();
    private ushort _maximum;

    /// <summary>Forgets every alias and takes the new connection's limit (0 = aliases off).</summary>
    public void Reset(ushort maximum)
    {
        _byTopic.Clear();
        _recency.Clear();
        _maximum = maximum;
    }

    /// <summary>False when this connection allows no aliases.</summary>
    public bool Enabled => _maximum != 0;

    /// <summary>Whether the server already maps an alias to <paramref name="topic"/> (recency unchanged).</summary>
    public bool IsKnown(string topic) => _byTopic.ContainsKey(topic);

    /// <summary>
    /// The alias to send with <paramref name="topic"/>, and whether the topic itself can be left
    /// out (the server already knows the mapping). Null when aliases are off.
    /// </summary>
    public ushort? Assign(string topic, out bool topicKnown)
    {
        topicKnown = false;
        if (_maximum == 0)
        {
            return null;
        }

        if (_byTopic.TryGetValue(topic, out var node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            topicKnown = true;
            return node.Value.Alias;
        }

        ushort alias;
        if (_recency.Count < _maximum)
        {
            alias = (ushort)(_recency.Count + 1);
        }
        else
        {
            var oldest = _recency.Last!;
            _recency.RemoveLast();
            _byTopic.Remove(oldest.Value.Topic);
            alias = oldest.Value.Alias;
        }

        _byTopic[topic] = _recency.AddFirst((topic, alias));
        return alias;
    }
}

/// <summary>
/// Inbound topic aliases: the server's alias → topic map for this connection, bounded by the
/// Topic Alias Maximum we sent. Topics are copied out of the receive buffer when set.
/// </summary>
internal sealed class InboundTopicAliases
{
    private byte[]?[] _topics = [];

    public void Reset(ushort maximum) => _topics = new byte[]?[maximum + 1];

    /// <summary>
    /// Resolves the topic of an inbound PUBLISH. Returns null (with a reason) when the alias is
    /// 0, above our maximum, or unknown with an empty topic: the caller closes with 0x94.
    /// </summary>
    public string? Resolve(in PublishPacket packet, out MqttString topic)
    {
        topic = packet.TopicName;
        if (packet.Properties.TopicAlias is not ushort alias)
        {
            return null;
        }

        if (alias == 0 || alias >= _topics.Length)
        {
            return $"topic alias {alias} is outside 1 … {_topics.Length - 1}";
        }

        if (packet.TopicName.IsEmpty)
        {
            byte[]? known = _topics[alias];
            if (known is null)
            {
                return $"topic alias {alias} was never set";
            }

            topic = MqttString.FromValidatedUtf8(new System.Buffers.ReadOnlySequence<byte>(known));
            return null;
        }

        // A topic with an alias (re)defines the mapping. A mapped array is never written again:
        // topics resolved from it earlier in the same read may still be borrowed (message views
        // are handed out after the whole read is decoded), so a new topic gets a new array.
        if (_topics[alias] is { } existing && IsSame(packet.TopicName, existing))
        {
            return null;
        }

        byte[] bytes = new byte[packet.TopicName.ByteCount];
        packet.TopicName.CopyTo(bytes);
        _topics[alias] = bytes;
        return null;
    }

    /// <summary>The same topic again (the usual case): keep the array, allocate nothing. Multi-segment: just replace it.</summary>
    private static bool IsSame(in MqttString topic, byte[] known) =>
        topic.IsSlice && topic.ByteCount == known.Length && topic.Utf8.IsSingleSegment && topic.Utf8.FirstSpan.SequenceEqual(known);
}
