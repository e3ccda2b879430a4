namespace CloudSignal.Mqtt.IntegrationTests.Faults;

/// <summary>Which way a packet travels, seen from the <see cref="ScriptedBroker"/>.</summary>
internal enum PacketDirection
{
    /// <summary>Sent by the client, received by the broker.</summary>
    FromClient,

    /// <summary>Sent (or about to be sent) by the broker to the client.</summary>
    ToClient,
}
