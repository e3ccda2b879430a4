namespace CloudSignal.Mqtt.IntegrationTests.Infrastructure;

/// <summary>
/// Locates the mosquitto executables. A missing broker is a test FAILURE with the install
/// command, never a skip: CI installs mosquitto in .ci/run and must not go green without it.
/// </summary>
public static class MosquittoTools
{
    public const string InstallCommand = "apt-get install -y mosquitto mosquitto-clients";

    // Debian puts the broker in /usr/sbin, which is not on every user's PATH.
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"];

    public static string Broker => Find("mosquitto");

    public static string Passwd => Find("mosquitto_passwd");

    public static string Sub => Find("mosquitto_sub");

    public static string Pub => Find("mosquitto_pub");

    /// <summary>Full path of <paramref name="name"/> from PATH or /usr/sbin; throws with the install command if absent.</summary>
    public static string Find(string name)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        IEnumerable<string> directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(ExtraDirectories);
        foreach (string directory in directories)
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            $"'{name}' was not found on PATH or in /usr/sbin. The integration tests run against a real " +
            $"mosquitto broker and do not skip without one. Install it with: {InstallCommand}");
    }
}
