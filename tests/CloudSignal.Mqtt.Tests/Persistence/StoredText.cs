namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>Stored publishes as text, so that assertions compare message bytes and print them on failure.</summary>
internal static class StoredText
{
    /// <summary>A publish as comparable text: sequence, message in hex, identifier, released.</summary>
    public static string Text(StoredPublish p) => Text(p.Sequence, p.Message.ToArray(), p.PacketIdentifier, p.Released);

    public static string Text(long sequence, byte[] message, ushort packetIdentifier, bool released) =>
        $"{sequence}:{Convert.ToHexString(message)}/id={packetIdentifier}/released={released}";
}
