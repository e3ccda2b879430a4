namespace CloudSignal.Mqtt.Persistence;

/// <summary>One held publish: its message (empty once released), identifier (0: none) and QoS 2 release state.</summary>
internal readonly record struct PublishEntry(byte[] Message, ushort PacketIdentifier, bool Released);
