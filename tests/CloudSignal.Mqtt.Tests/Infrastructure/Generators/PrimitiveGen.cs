using CloudSignal.Mqtt.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace CloudSignal.Mqtt.Tests.Infrastructure.Generators;

/// <summary>
/// FsCheck generators for the MQTT data types, biased toward the edges: empty and
/// 65,535-byte strings, multi-byte and 4-byte UTF-8, variable byte integer boundaries.
/// </summary>
internal static class PrimitiveGen
{
    /// <summary>The boundaries of each variable byte integer length (5.0 Table 1-1).</summary>
    public static readonly int[] VbiEdges = [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455];

    // ASCII, 2-byte, 3-byte and 4-byte (surrogate pair) characters, and the spec's own example.
    private static readonly string[] Pieces = ["a", "Z", "/", "-", " ", "é", "ß", "中", "€", "\uFEFF", "𪛔", "😀", "0", "_"];

    public static Gen<int> Vbi =>
        Gen.Frequency(
            (3, Gen.Elements(VbiEdges)),
            (2, Gen.Choose(0, 16_384)),
            (1, Gen.Choose(0, VariableByteInteger.MaxValue)));

    /// <summary>A valid MQTT string: well-formed, no U+0000, mostly short, sometimes the 65,535-byte maximum.</summary>
    public static Gen<string> Text =>
        Gen.Frequency(
            (20, Gen.ArrayOf(Gen.Elements(Pieces)).Select(p => string.Concat(p))),
            (3, Gen.Constant(string.Empty)),
            (1, Gen.Constant(new string('x', ushort.MaxValue))),
            (1, Gen.Constant(new string('€', ushort.MaxValue / 3))));

    /// <summary>A Topic Name: at least one character, no wildcards.</summary>
    public static Gen<string> TopicName =>
        Gen.Frequency(
            (10, Gen.NonEmptyListOf(Gen.Elements(Pieces)).Select(p => string.Concat(p))),
            (2, Gen.Elements("a/b", "sensors/1/temp", "/", "$SYS/broker", "a//b")));

    /// <summary>A Topic Filter, wildcards included where the spec allows them.</summary>
    public static Gen<string> TopicFilter =>
        Gen.Frequency(
            (5, TopicName),
            (2, Gen.Elements("#", "+", "a/+/c", "a/#", "+/+", "sport/tennis/+", "$share/group/a/#")));

    public static Gen<byte[]> Bytes(int maxLength) =>
        Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n));

    /// <summary>Binary Data: mostly short, sometimes empty or the 65,535-byte maximum.</summary>
    public static Gen<byte[]> Binary =>
        Gen.Frequency(
            (10, Bytes(64)),
            (1, Gen.Constant(Array.Empty<byte>())),
            (1, Gen.Constant(Enumerable.Range(0, ushort.MaxValue).Select(i => (byte)i).ToArray())));

    /// <summary>A payload: empty up to 70,000 bytes (past one 64 KiB chunk).</summary>
    public static Gen<byte[]> Payload =>
        Gen.Frequency(
            (10, Bytes(300)),
            (2, Gen.Constant(Array.Empty<byte>())),
            (1, Gen.Choose(65_000, 70_000).Select(n => Enumerable.Range(0, n).Select(i => (byte)(i * 7)).ToArray())));

    public static Gen<ushort> PacketIdentifier =>
        Gen.Frequency((3, Gen.Choose(1, ushort.MaxValue)), (1, Gen.Elements(1, 2, 255, 256, ushort.MaxValue))).Select(i => (ushort)i);

    public static Gen<MqttString> String => Text.Select(s => (MqttString)s);

    public static Gen<UserProperty[]> UserProperties =>
        Gen.Frequency(
            (4, Gen.Constant(Array.Empty<UserProperty>())),
            (4, Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(UserProperty, n))),
            (1, Gen.Choose(20, 60).SelectMany(n => Gen.ArrayOf(UserProperty, n))));

    public static Gen<UserProperty> UserProperty =>
        from name in Text.Where(s => s.Length < 40)
        from value in Text.Where(s => s.Length < 40)
        select new UserProperty(name, value);

    /// <summary>Null half the time.</summary>
    public static Gen<T?> Optional<T>(Gen<T> gen)
        where T : struct =>
        Gen.Frequency((1, Gen.Constant<T?>(null)), (1, gen.Select(v => (T?)v)));

    public static Gen<MqttString?> OptionalString => Optional(String);

    public static Gen<MqttBinary?> OptionalBinary => Optional(Binary.Select(b => (MqttBinary)b));

    public static Gen<T> Enum<T>(params T[] values) => Gen.Elements(values);
}
