namespace CloudSignal.Mqtt.Persistence;

/// <summary>The kind byte of a session log record; one per <see cref="IMqttSessionStore"/> mutation. Values are on disk: never renumber.</summary>
internal enum SessionLogRecordKind : byte
{
    /// <summary>i64 sequence, then the message bytes (the rest of the payload).</summary>
    AddPublish = 1,

    /// <summary>i64 sequence, u16 packet identifier.</summary>
    SetPacketIdentifier = 2,

    /// <summary>i64 sequence.</summary>
    MarkReleased = 3,

    /// <summary>i64 sequence.</summary>
    RemovePublish = 4,

    /// <summary>u16 packet identifier.</summary>
    AddReceived = 5,

    /// <summary>u16 packet identifier.</summary>
    RemoveReceived = 6,

    /// <summary>No payload.</summary>
    ClearReceived = 7,
}
