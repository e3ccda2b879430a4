using System.Text.RegularExpressions;
using CloudSignal.Mqtt.Transport;

namespace CloudSignal.Mqtt.Client;

/// <summary>Checks made before any network I/O, so a bad argument fails fast and clearly.</summary>
internal static partial class ConnectValidation
{
    public const string CloudSignalUsernameForm = "{mqtt_username}@{organization_uuid}, e.g. agent-001@a1b2c3d4-e5f6-7890-abcd-ef1234567890";

    public static MqttUrl Validate(ConnectParameters parameters, CloudSignalOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        MqttUrl url = MqttUrl.Parse(parameters.Host);
        if (IsCloudSignalHost(url.Host) && !IsCloudSignalUsername(parameters.Username))
        {
            throw new ArgumentException(
                $"CloudSignal usernames have the form {CloudSignalUsernameForm}; got '{parameters.Username}'.",
                nameof(parameters));
        }

        if (!options.CleanSession && string.IsNullOrEmpty(parameters.ClientId))
        {
            // A persistent session is found again by its client identifier.
            throw new ArgumentException("CleanSession = false needs a stable ClientId.", nameof(parameters));
        }

        return url;
    }

    public static bool IsCloudSignalHost(string host) =>
        host.Equals("cloudsignal.app", StringComparison.OrdinalIgnoreCase) ||
        host.EndsWith(".cloudsignal.app", StringComparison.OrdinalIgnoreCase);

    public static bool IsCloudSignalUsername(string? username) =>
        username is not null && UsernamePattern().IsMatch(username);

    [GeneratedRegex("^[^@\\s]+@[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UsernamePattern();
}
