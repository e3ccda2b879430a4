namespace CloudSignal.Mqtt;

/// <summary>
/// A <see cref="FileSessionStore"/> could not open its file because another store, in this
/// process or another, has it open. One store owns a file at a time; dispose the other first.
/// </summary>
public sealed class SessionStoreLockedException : IOException
{
    /// <summary>Creates the exception for the file at <paramref name="path"/>.</summary>
    public SessionStoreLockedException(string path, Exception? innerException = null)
        : base($"The session store file '{path}' is in use by another session store (in this process or another).", innerException)
    {
        Path = path;
    }

    /// <summary>Creates the exception.</summary>
    public SessionStoreLockedException()
        : base("The session store file is in use by another session store.")
    {
    }

    /// <summary>The full path of the file, when known.</summary>
    public string? Path { get; }
}
