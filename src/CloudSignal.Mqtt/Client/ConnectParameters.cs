namespace CloudSignal.Mqtt;

/// <summary>Where and as whom to connect.</summary>
public sealed class ConnectParameters
{
    /// <summary>
    /// Broker URL: <c>mqtt://</c> or <c>tcp://</c> (port 1883), <c>mqtts://</c> or <c>ssl://</c> (8883),
    /// <c>ws://</c> (80) or <c>wss://</c> (443) with the WebSocket path from the URL.
    /// </summary>
    public required string Host { get; init; }

    /// <summary>User name. For <c>*.cloudsignal.app</c> it must be <c>{mqtt_username}@{organization_uuid}</c>.</summary>
    public string? Username { get; init; }

    /// <summary>Password (never logged).</summary>
    public string? Password { get; init; }

    /// <summary>Client identifier; null or empty lets the broker assign one. Required when CleanSession is false.</summary>
    public string? ClientId { get; init; }
}
