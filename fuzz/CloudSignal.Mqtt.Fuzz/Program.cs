using CloudSignal.Mqtt.Fuzz;

// afl decoder|session             : run under AFL++ (SharpFuzz out-of-process protocol)
// replay decoder|session FILE...  : run inputs once, report the first failure
// corpus DIR                      : write the seed corpus (DIR/decoder, DIR/session; or DIR only if named decoder or session)
// smoke [COUNT] [CORPUS]          : CI smoke run, deterministic mutations of the corpus, no AFL (default 200,000 inputs, fuzz/corpus)
if (args.Length >= 2 && args[0] == "afl")
{
    Action<ReadOnlySpan<byte>> target = Target(args[1]);
    SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        target(memory.GetBuffer().AsSpan(0, (int)memory.Length));
    });
    return 0;
}

if (args.Length >= 3 && args[0] == "replay")
{
    Action<ReadOnlySpan<byte>> target = Target(args[1]);
    foreach (string file in args[2..])
    {
        target(File.ReadAllBytes(file));
        Console.WriteLine($"ok {file}");
    }

    return 0;
}

if (args.Length == 2 && args[0] == "corpus")
{
    Console.WriteLine($"{CorpusWriter.Write(args[1])} seed files written to {args[1]}");
    return 0;
}

if (args.Length is >= 1 and <= 3 && args[0] == "smoke")
{
    int count = args.Length >= 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : SmokeRunner.DefaultCount;
    string root = RepoPaths.Root(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
    string corpus = args.Length == 3 ? args[2] : RepoPaths.Corpus(root);
    return SmokeRunner.Run(count, corpus, Path.Combine(root, "fuzz", "findings", "smoke"));
}

Console.Error.WriteLine("usage: afl decoder|session | replay decoder|session FILE... | corpus DIR | smoke [COUNT] [CORPUS]");
return 2;

static Action<ReadOnlySpan<byte>> Target(string name) => name switch
{
    "decoder" => DecoderTarget.Run,
    "session" => input => SessionTarget.Run(input),
    _ => throw new ArgumentException($"unknown target {name}"),
};
