using System.Buffers;
using BenchmarkDotNet.Attributes;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Benchmarks.Codec;

/// <summary>
/// CONNECT encode and decode: a client id, keep alive, user name and password; 5.0 adds
/// Session Expiry Interval and Receive Maximum. Sent once per connection, so not a hot
/// path, but it shows what the property machinery costs.
/// </summary>
[Config(typeof(CodecConfig))]
public class ConnectBenchmarks
{
    private ConnectPacket _packet;
    private ReadOnlySequence<byte> _wire;
    private FixedBufferWriter _output = null!;

    [Params(MqttProtocolVersion.V311, MqttProtocolVersion.V500)]
    public MqttProtocolVersion Version { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _packet = new ConnectPacket
        {
            ProtocolVersion = Version,
            CleanStart = true,
            KeepAlive = 60,
            ClientId = "sensor-0042",
            UserName = "device",
            Password = "s3cr3t-t0ken"u8.ToArray(),
            Properties = Version == MqttProtocolVersion.V500
                ? new ConnectProperties { SessionExpiryInterval = 3600, ReceiveMaximum = 100 }
                : default,
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
