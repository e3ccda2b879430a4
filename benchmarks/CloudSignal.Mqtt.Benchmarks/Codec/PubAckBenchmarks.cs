using System.Buffers;
using BenchmarkDotNet.Attributes;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Benchmarks.Codec;

/// <summary>
/// PUBACK encode and decode. 3.1.1 is the two-byte packet identifier; 5.0 carries a reason
/// code and a Reason String, the longest form (5.0 §3.4.2).
/// </summary>
[Config(typeof(CodecConfig))]
public class PubAckBenchmarks
{
    private PubAckPacket _packet;
    private ReadOnlySequence<byte> _wire;
    private FixedBufferWriter _output = null!;

    [Params(MqttProtocolVersion.V311, MqttProtocolVersion.V500)]
    public MqttProtocolVersion Version { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _packet = Version == MqttProtocolVersion.V311
            ? new PubAckPacket(4242)
            : new PubAckPacket(4242, MqttReasonCode.NoMatchingSubscribers, new AckProperties { ReasonString = "no subscribers" });
        _wire = new ReadOnlySequence<byte>(PublishCase.Encode(_packet, Version));
        _output = new FixedBufferWriter(256);
    }

    [Benchmark]
    public int Encode()
    {
        _output.Reset();
        return PacketEncoder.Write(_output, _packet, Version);
    }

    [Benchmark]
    public long Decode()
    {
        ReadOnlySequence<byte> buffer = _wire;
        var handler = default(CountingHandler);
        PacketDecoder.TryDecode(ref buffer, Version, PacketScanner.ProtocolMaximumPacketSize, ref handler);
        return handler.Value;
    }
}
