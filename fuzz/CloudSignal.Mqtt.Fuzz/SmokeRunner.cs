using System.Diagnostics;
using System.Security.Cryptography;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// CI smoke mode, without AFL: every corpus entry, then mutants of them (<see cref="Mutator"/>,
/// fixed seed, so every run tries the same inputs) through both targets. Fails on the first
/// oracle violation: any exception out of a target, or an input slower than
/// <see cref="TimeBound"/> (twice in a row, so one GC pause is not a finding). The failing input
/// is printed as hex and saved under fuzz/findings/smoke/.
/// </summary>
internal static class SmokeRunner
{
    public const int DefaultCount = 200_000;
    private const int Seed = 20_260_101;
    private static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(1);

    public static int Run(int count, string corpus, string findings)
    {
        var total = Stopwatch.StartNew();

        int decoderCount = count / 2;
        var decoderStats = new DecoderStats();
        var session = new SessionTotals();
        bool ok =
            RunTarget("decoder", decoderCount, Path.Combine(corpus, "decoder"), 1, input => DecoderTarget.Run(input, decoderStats), findings,
                () => $"steps: {decoderStats.Decoded} decoded, {decoderStats.Incomplete} incomplete, {decoderStats.Rejected} rejected; " +
                      $"most allocated by one step: {decoderStats.MaxAllocatedIncomplete} B incomplete, {decoderStats.MaxAllocatedDecoded} B decoded, {decoderStats.MaxAllocatedRejected} B rejected") &&
            RunTarget("session", count - decoderCount, Path.Combine(corpus, "session"), SessionSetup.HeaderLength, input => session.Add(SessionTarget.Run(input)), findings,
                () => $"{session.Messages} messages delivered, {session.ViolationCloses} protocol-violation closes, {session.Reconnects} reconnects; " +
                      $"most allocated by one receive: {session.MaxAllocatedPerReceive} B");
        Console.WriteLine(ok
            ? $"smoke: {count} inputs, no oracle violation, {total.Elapsed.TotalSeconds:F1} s"
            : $"smoke: oracle violation after {total.Elapsed.TotalSeconds:F1} s");
        return ok ? 0 : 1;
    }

    private static bool RunTarget(string name, int count, string directory, int headerLength, Action<byte[]> target, string findings, Func<string> summary)
    {
        string[] files = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray();
        byte[][] seeds = files.Select(File.ReadAllBytes).ToArray();

        // The unit tests' malformed inputs outnumber the valid seeds four to one: half the
        // mutants start from a valid one, so they get past the first checks as often.
        byte[][] valid = files.Where(f => !Path.GetFileName(f).StartsWith("malformed-", StringComparison.Ordinal)).Select(File.ReadAllBytes).ToArray();
        if (seeds.Length == 0)
        {
            Console.Error.WriteLine($"{name}: no corpus in {directory} (run the corpus command)");
            return false;
        }

        var random = new Random(Seed + headerLength); // one fixed seed per target
        var mutator = new Mutator(random, headerLength);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            byte[] input = i < seeds.Length ? seeds[i] : mutator.Mutate(random.Next(2) == 0 && valid.Length > 0 ? valid[random.Next(valid.Length)] : seeds[random.Next(seeds.Length)], seeds);
            if (Failure(target, input) is string failure)
            {
                Report(name, i, input, failure, findings);
                return false;
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{name}: {count} inputs ({Math.Min(count, seeds.Length)} seeds, the rest mutants) in {seconds:F1} s, {count / seconds:F0} exec/s");
        Console.WriteLine($"{name}: {summary()}");
        return true;
    }

    /// <summary>Null when the input passes; otherwise what went wrong.</summary>
    private static string? Failure(Action<byte[]> target, byte[] input)
    {
        for (int attempt = 0; ; attempt++)
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                target(input);
            }
            catch (Exception ex)
            {
                return ex.ToString();
            }

            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            if (elapsed <= TimeBound)
            {
                return null;
            }

            if (attempt == 1)
            {
                return $"took {elapsed.TotalMilliseconds:F0} ms twice; the bound is {TimeBound.TotalMilliseconds:F0} ms";
            }
        }
    }

    private static void Report(string target, int index, byte[] input, string failure, string findings)
    {
        Directory.CreateDirectory(findings);
        string file = Path.Combine(findings, $"{target}-{Convert.ToHexStringLower(SHA256.HashData(input))[..12]}");
        File.WriteAllBytes(file, input);
        Console.Error.WriteLine($"{target}: ORACLE VIOLATION at input {index}");
        Console.Error.WriteLine(failure);
        Console.Error.WriteLine($"input ({input.Length} bytes): {Convert.ToHexString(input)}");
        Console.Error.WriteLine($"saved to {file}; reproduce: dotnet run -c Release --project fuzz/CloudSignal.Mqtt.Fuzz -- replay {target} {file}");
    }

    /// <summary>What the session target saw over many inputs.</summary>
    private sealed class SessionTotals
    {
        public long Messages { get; private set; }

        public long ViolationCloses { get; private set; }

        public long Reconnects { get; private set; }

        public long MaxAllocatedPerReceive { get; private set; }

        public void Add(SessionDriver? driver)
        {
            if (driver is not null)
            {
                Messages += driver.MessagesDelivered;
                ViolationCloses += driver.ViolationCloses;
                Reconnects += driver.Connections - 1;
                MaxAllocatedPerReceive = Math.Max(MaxAllocatedPerReceive, driver.MaxAllocatedPerReceive);
            }
        }
    }
}
