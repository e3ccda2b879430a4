namespace CloudSignal.Mqtt;

/// <summary>MQTT 3.1.1 CONNACK return codes (3.1.1 §3.2.2.3, Table 3.1). 6–255 are reserved.</summary>
public enum ConnectReturnCode : byte
{
    /// <summary>0x00 Connection accepted.</summary>
    Accepted = 0x00,

    /// <summary>0x01 The server does not support the requested protocol level.</summary>
    UnacceptableProtocolVersion = 0x01,

    /// <summary>0x02 The client identifier is correct UTF-8 but not allowed by the server.</summary>
    IdentifierRejected = 0x02,

    /// <summary>0x03 The network connection is up but the MQTT service is unavailable.</summary>
    ServerUnavailable = 0x03,

    /// <summary>0x04 The data in the user name or password is malformed or wrong.</summary>
    BadUserNameOrPassword = 0x04,

    /// <summary>0x05 The client is not authorized to connect.</summary>
    NotAuthorized = 0x05,
}
