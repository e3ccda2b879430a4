using System.Buffers;
using BenchmarkDotNet.Attributes;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Benchmarks.Codec;

/// <summary>
/// SUBSCRIBE encode and decode with two topic filters; 5.0 adds No Local / Retain Handling
/// options and a Subscription Identifier. Decoding builds the subscription list (an array).
/// </summary>
[Config(typeof(CodecConfig))]
public class SubscribeBenchmarks
{
    private SubscribePacket _packet;
    private ReadOnlySequence<byte> _wire;
    private FixedBufferWriter _output = null!;

    [Params(MqttProtocolVersion.V311, MqttProtocolVersion.V500)]
    public MqttProtocolVersion Version { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        bool v5 = Version == MqttProtocolVersion.V500;
        _packet = new SubscribePacket
        {
            PacketIdentifier = 4242,
            Properties = v5 ? new SubscribeProperties { SubscriptionIdentifier = 7 } : default,
            Subscriptions = new Subscription[]
            {
                new("devices/+/telemetry", new SubscriptionOptionFlags { MaximumQos = MqttQos.AtLeastOnce, NoLocal = v5 }),
                new("alerts/#", new SubscriptionOptionFlags { MaximumQos = MqttQos.AtMostOnce, RetainHandling = v5 ? RetainHandling.DoNotSend : default }),
            },
        };
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
