using System.Buffers;
using BenchmarkDotNet.Attributes;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Benchmarks.Codec;

/// <summary>PUBLISH decode through the generic struct-handler path, from one contiguous segment.</summary>
[Config(typeof(CodecConfig))]
public class PublishDecodeBenchmarks
{
    private ReadOnlySequence<byte> _wire;
    private MqttProtocolVersion _version;

    [Params(PublishFlavor.V311, PublishFlavor.V500UserProperties)]
    public PublishFlavor Flavor { get; set; }

    [Params(64, 4096)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _version = PublishCase.Version(Flavor);
        _wire = new ReadOnlySequence<byte>(PublishCase.Encode(PublishCase.Create(Flavor, PayloadSize), _version));
    }

    [Benchmark]
    public long Decode()
    {
        ReadOnlySequence<byte> buffer = _wire;
        var handler = default(CountingHandler);
        PacketDecoder.TryDecode(ref buffer, _version, PacketScanner.ProtocolMaximumPacketSize, ref handler);
        return handler.Value;
    }
}
