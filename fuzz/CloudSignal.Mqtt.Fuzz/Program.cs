using CloudSignal.Mqtt.Fuzz;

// afl decoder|session : run under AFL++ (SharpFuzz out-of-process protocol)
// replay decoder|session FILE... : run inputs once, report the first failure
// corpus DIR : write the seed corpus (valid packets of every type, both levels)
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

Console.Error.WriteLine("usage: afl decoder|session | replay decoder|session FILE... | corpus DIR");
return 2;

static Action<ReadOnlySpan<byte>> Target(string name) => name switch
{
    "decoder" => DecoderTarget.Run,
    _ => throw new ArgumentException($"unknown target {name}"),
};
