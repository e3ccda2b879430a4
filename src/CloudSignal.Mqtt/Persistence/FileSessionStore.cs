namespace CloudSignal.Mqtt;

/// <summary>Placeholder; the file store is being written (issue 5).</summary>
public sealed class FileSessionStore
{
}
