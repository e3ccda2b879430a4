namespace CloudSignal.Mqtt.Transport;

/// <summary>Error-message helpers shared by the transports.</summary>
internal static class TransportErrors
{
    /// <summary>
    /// The messages of an exception and its causes, outermost first, without repeats:
    /// "Unable to connect to the remote server" alone hides the "Connection refused" beneath it.
    /// </summary>
    public static string Flatten(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            string message = e.Message.TrimEnd('.', ' ');
            if (message.Length > 0 && !messages.Exists(m => m.Contains(message, StringComparison.Ordinal)))
            {
                messages.Add(message);
            }
        }

        return string.Join(": ", messages);
    }
}
