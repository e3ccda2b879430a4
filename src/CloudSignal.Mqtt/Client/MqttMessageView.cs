using System.Buffers;
using CloudSignal.Mqtt.Client;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt;

/// <summary>
/// Receives each message as a borrowed <see cref="MqttMessageView"/>; see
/// <see cref="CloudSignalClient.SetMessageViewCallback"/> for the lifetime rule.
/// </summary>
public delegate void MqttMessageViewCallback(MqttMessageView message);

/// <summary>
/// A received application message, borrowed: topic and payload point into the client's receive
/// buffer and are valid only until the callback that got this view returns. It is a ref struct,
/// so it cannot be stored or captured; copy what must outlive the call (<see cref="ToMessage"/>,
/// <see cref="GetTopic"/>, or your own copy of <see cref="Payload"/>).
/// </summary>
public readonly ref struct MqttMessageView
{
    private readonly string? _topicText;
    private readonly PublishPacketProperties _properties;

    internal MqttMessageView(ReadOnlySpan<byte> topicUtf8, string? topicText, in ReadOnlySequence<byte> payload, MqttQos qos, bool retain, in PublishPacketProperties properties)
    {
        TopicUtf8 = topicUtf8;
        _topicText = topicText;
        Payload = payload;
        Qos = qos;
        Retain = retain;
        _properties = properties;
    }

    /// <summary>The topic name as UTF-8 (topic aliases already resolved). Compare with e.g. <c>"a/b"u8</c> without allocating.</summary>
    public ReadOnlySpan<byte> TopicUtf8 { get; }

    /// <summary>The payload bytes (possibly in several segments; <c>IsSingleSegment</c> and <c>FirstSpan</c> are the fast path).</summary>
    public ReadOnlySequence<byte> Payload { get; }

    /// <summary>The QoS it was delivered at.</summary>
    public MqttQos Qos { get; }

    /// <summary>True for a retained message sent because of a new subscription.</summary>
    public bool Retain { get; }

    /// <summary>True when the message has MQTT 5.0 properties (read them with <see cref="GetProperties"/>).</summary>
    public bool HasProperties => (_properties with { TopicAlias = null }) != default; // the alias is transport, not application data

    /// <summary>The topic name as a string (allocates unless the topic came through a topic alias).</summary>
    public string GetTopic() => _topicText ?? System.Text.Encoding.UTF8.GetString(TopicUtf8);

    /// <summary>The MQTT 5.0 properties, copied out (allocates when there are any).</summary>
    public PublishProperties GetProperties() => PropertyMapping.FromWire(_properties);

    /// <summary>A copy that owns its topic, payload and properties and may be kept.</summary>
    public MqttMessage ToMessage() => new(GetTopic(), Payload.ToArray(), Qos, Retain, GetProperties());
}
