using BenchmarkDotNet.Attributes;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Benchmarks.Codec;

/// <summary>PUBLISH encode: size + validate, fixed header, body, into a pre-sized buffer.</summary>
[Config(typeof(CodecConfig))]
public class PublishEncodeBenchmarks
{
    private PublishPacket _packet;
    private MqttProtocolVersion _version;
    private FixedBufferWriter _output = null!;

    [Params(PublishFlavor.V311, PublishFlavor.V500UserProperties)]
    public PublishFlavor Flavor { get; set; }

    [Params(64, 4096)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _packet = PublishCase.Create(Flavor, PayloadSize);
        _version = PublishCase.Version(Flavor);
        _output = new FixedBufferWriter(PayloadSize + 256);
    }

    [Benchmark]
    public int Encode()
    {
        _output.Reset();
        return PacketEncoder.Write(_output, _packet, _version);
    }
}
