using BenchmarkDotNet.Running;

namespace CloudSignal.Mqtt.Benchmarks;

/// <summary>
/// Runs the benchmarks picked by the command line, e.g.
/// <c>dotnet run -c Release --project benchmarks/CloudSignal.Mqtt.Benchmarks -- --filter '*Publish*'</c>,
/// or <c>--filter '*'</c> for the whole suite. Every class carries <see cref="Codec.CodecConfig"/>.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
