using System.Reflection;
using CloudSignal.Mqtt.Fuzz;
using CloudSignal.Mqtt.Tests.Protocol.Malformed;

namespace CloudSignal.Mqtt.Tests.Fuzz;

/// <summary>
/// The fuzz corpus takes the malformed inputs of Protocol/Malformed by reading the test sources
/// as text (MalformedRows). This checks the reader finds exactly the rows xunit runs, in order,
/// so a row written in another shape cannot silently drop out of the corpus.
/// </summary>
public class MalformedCorpusTests
{
    [Fact]
    public void MalformedRows_ReadFromSources_AreTheRowsTheTheoriesRun()
    {
        string directory = RepoPaths.MalformedTests(RepoPaths.Root(AppContext.BaseDirectory));
        var read = MalformedRows.Read(directory)
            .Select(r => $"{r.Source} {r.Why} {Convert.ToHexString(r.Bytes)} {r.Version} {r.ExpectedCode}")
            .ToList();

        var run = typeof(MalformedCase).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(MalformedCase).Namespace && t.Name.EndsWith("MalformedTests", StringComparison.Ordinal))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => Rows(t).Select(row =>
                $"{t.Name} {row[0]} {Convert.ToHexString(MalformedCase.Hex((string)row[1]))} {row[2]} {row[3]}"))
            .ToList();

        Assert.Equal(11, Directory.GetFiles(directory, "*MalformedTests.cs").Length);
        Assert.True(run.Count >= 200, $"only {run.Count} malformed rows found by reflection");
        Assert.Equal(run, read);
    }

    private static IEnumerable<object[]> Rows(Type testClass) =>
        (IEnumerable<object[]>)testClass.GetProperty("Cases", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}
