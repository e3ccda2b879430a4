namespace CloudSignal.Mqtt.Fuzz;

/// <summary>Finds the repository (the directory holding CloudSignal.Mqtt.sln) from a path inside it.</summary>
internal static class RepoPaths
{
    /// <summary>The repository above the first of <paramref name="from"/> that is inside one.</summary>
    public static string Root(params string[] from)
    {
        foreach (string start in from)
        {
            for (DirectoryInfo? dir = new(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CloudSignal.Mqtt.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException($"no CloudSignal.Mqtt.sln above {string.Join(" or ", from)}");
    }

    public static string Corpus(string root) => Path.Combine(root, "fuzz", "corpus");

    public static string MalformedTests(string root) => Path.Combine(root, "tests", "CloudSignal.Mqtt.Tests", "Protocol", "Malformed");
}
