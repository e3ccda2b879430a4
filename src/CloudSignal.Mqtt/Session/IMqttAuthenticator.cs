namespace CloudSignal.Mqtt;

/// <summary>
/// MQTT 5.0 enhanced authentication (5.0 §4.12): supplies the Authentication Method and data
/// for CONNECT and answers each AUTH challenge from the server.
/// </summary>
public interface IMqttAuthenticator
{
    /// <summary>The Authentication Method, e.g. "SCRAM-SHA-256".</summary>
    string Method { get; }

    /// <summary>Authentication Data to put in CONNECT (may be empty).</summary>
    ReadOnlyMemory<byte> GetInitialData();

    /// <summary>
    /// Answers an AUTH packet with reason 0x18 (Continue authentication) from the server:
    /// returns the Authentication Data for our AUTH reply.
    /// </summary>
    ReadOnlyMemory<byte> OnChallenge(ReadOnlySpan<byte> serverData);
}
