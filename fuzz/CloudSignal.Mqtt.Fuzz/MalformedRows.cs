using System.Text.RegularExpressions;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>One malformed-input row of the unit tests: which file, why it is malformed, the bytes, the level.</summary>
internal sealed record MalformedRow(string Source, string Why, byte[] Bytes, MqttProtocolVersion Version, string ExpectedCode);

/// <summary>
/// Reads the malformed inputs out of the unit tests' sources
/// (tests/CloudSignal.Mqtt.Tests/Protocol/Malformed/*MalformedTests.cs), where each class lists
/// its cases as <c>{ "why", "hex bytes", V311|V500, ReasonCode }</c> rows of a TheoryData. Read
/// as text, so the fuzz harness needs no test packages and the corpus follows the tests; a unit
/// test (MalformedCorpusTests) checks that this reader finds every row xunit runs.
/// </summary>
internal static partial class MalformedRows
{
    public static IEnumerable<MalformedRow> Read(string malformedTestsDirectory)
    {
        foreach (string file in Directory.GetFiles(malformedTestsDirectory, "*MalformedTests.cs").Order(StringComparer.Ordinal))
        {
            string source = Path.GetFileNameWithoutExtension(file);
            foreach (Match row in Row().Matches(File.ReadAllText(file)))
            {
                yield return new MalformedRow(
                    source,
                    Regex.Unescape(row.Groups["why"].Value),
                    Convert.FromHexString(row.Groups["hex"].Value.Replace(" ", string.Empty, StringComparison.Ordinal)),
                    row.Groups["version"].Value == "V500" ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311,
                    row.Groups["code"].Value);
            }
        }
    }

    [GeneratedRegex("""\{\s*"(?<why>(?:[^"\\]|\\.)*)"\s*,\s*"(?<hex>[0-9A-Fa-f ]*)"\s*,\s*(?<version>V311|V500)\s*,\s*(?<code>\w+)\s*\}""")]
    private static partial Regex Row();
}
