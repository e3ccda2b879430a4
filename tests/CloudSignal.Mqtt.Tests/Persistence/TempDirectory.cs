namespace CloudSignal.Mqtt.Tests.Persistence;

/// <summary>A fresh directory under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("cloudsignal-store-").FullName;
    }

    public string Path { get; }

    /// <summary>A file path inside the directory (the file is not created).</summary>
    public string File(string name = "session.log") => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
