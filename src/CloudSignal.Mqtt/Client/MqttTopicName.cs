using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt;

/// <summary>
/// A Topic Name checked once (not empty, no wildcards, valid UTF-8 without U+0000, at most
/// 65,535 bytes), for the allocation-free
/// <see cref="CloudSignalClient.PublishAsync(MqttTopicName, ReadOnlyMemory{byte}, MqttQos, bool, CancellationToken)"/>.
/// Create it once and reuse it for every message to that topic.
/// </summary>
public readonly struct MqttTopicName : IEquatable<MqttTopicName>
{
    /// <summary>Checks <paramref name="name"/>; throws <see cref="ArgumentException"/> when it cannot be a Topic Name.</summary>
    public MqttTopicName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            FieldSize.TopicName(new MqttString(name), "Topic Name", mayBeEmpty: false);
        }
        catch (MqttProtocolException ex)
        {
            throw new ArgumentException($"Invalid topic name: {ex.Message}", nameof(name), ex);
        }

        Name = name;
    }

    /// <summary>The topic name (null only for <c>default(MqttTopicName)</c>, which cannot be published to).</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public bool Equals(MqttTopicName other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MqttTopicName other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc/>
    public override string ToString() => Name ?? string.Empty;

    /// <summary>Ordinal equality.</summary>
    public static bool operator ==(MqttTopicName left, MqttTopicName right) => left.Equals(right);

    /// <summary>Ordinal inequality.</summary>
    public static bool operator !=(MqttTopicName left, MqttTopicName right) => !left.Equals(right);
}
