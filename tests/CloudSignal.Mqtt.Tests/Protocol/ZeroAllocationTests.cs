using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Protocol;

/// <summary>
/// The hot paths allocate nothing: every encode, and decoding PUBLISH, the four publish
/// acknowledgements and the pings through the generic decoder with a struct handler. These
/// count bytes allocated on the test thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>)
/// over many operations after a warm-up; they never look at time.
/// </summary>
public class ZeroAllocationTests
{
    private const int Operations = 1_000;

    // The count can be skewed by a GC that other tests (running in parallel) trigger in the
    // middle of a round (dotnet/coreclr#10207), so a few rounds are measured and the quietest
    // must be 0: code that allocates at all allocates in every round.
    private const int Rounds = 5;

    public static TheoryData<MqttProtocolVersion, int, MqttQos> PublishCases()
    {
        var data = new TheoryData<MqttProtocolVersion, int, MqttQos>();
        foreach (MqttProtocolVersion version in new[] { MqttProtocolVersion.V311, MqttProtocolVersion.V500 })
        {
            foreach (int payloadSize in new[] { 64, 4096 })
            {
                data.Add(version, payloadSize, MqttQos.AtMostOnce);
                data.Add(version, payloadSize, MqttQos.AtLeastOnce);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PublishCases))]
    public void Publish_EncodedRepeatedly_AllocatesNothing(MqttProtocolVersion version, int payloadSize, MqttQos qos)
    {
        PublishPacket packet = Publish(version, payloadSize, qos);
        AssertEncodeAllocatesNothing(packet, version);
    }

    [Theory]
    [MemberData(nameof(PublishCases))]
    public void Publish_DecodedRepeatedly_AllocatesNothing(MqttProtocolVersion version, int payloadSize, MqttQos qos)
    {
        byte[] wire = Codec.Encode(Publish(version, payloadSize, qos), version);

        AssertDecodeAllocatesNothing(new ReadOnlySequence<byte>(wire), version);
    }

    [Theory]
    [MemberData(nameof(PublishCases))]
    public void Publish_DecodedFromSegmentsRepeatedly_AllocatesNothing(MqttProtocolVersion version, int payloadSize, MqttQos qos)
    {
        byte[] wire = Codec.Encode(Publish(version, payloadSize, qos), version);

        // Splits inside the fixed header, the topic, the user properties and the payload.
        ReadOnlySequence<byte> segmented = Segments.Split(wire, 1, 9, 40, 52, wire.Length - 10);
        Assert.False(segmented.IsSingleSegment);
        AssertDecodeAllocatesNothing(segmented, version);
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void PublishAcknowledgements_EncodedRepeatedly_AllocatesNothing(MqttProtocolVersion version)
    {
        foreach (IMqttPacket packet in Acknowledgements(version))
        {
            switch (packet)
            {
                case PubAckPacket p: AssertEncodeAllocatesNothing(p, version); break;
                case PubRecPacket p: AssertEncodeAllocatesNothing(p, version); break;
                case PubRelPacket p: AssertEncodeAllocatesNothing(p, version); break;
                case PubCompPacket p: AssertEncodeAllocatesNothing(p, version); break;
            }
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void PublishAcknowledgements_DecodedRepeatedly_AllocatesNothing(MqttProtocolVersion version)
    {
        foreach (IMqttPacket packet in Acknowledgements(version))
        {
            byte[] wire = packet switch
            {
                PubAckPacket p => Codec.Encode(p, version),
                PubRecPacket p => Codec.Encode(p, version),
                PubRelPacket p => Codec.Encode(p, version),
                _ => Codec.Encode((PubCompPacket)packet, version),
            };
            AssertDecodeAllocatesNothing(new ReadOnlySequence<byte>(wire), version);
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Pings_EncodedAndDecodedRepeatedly_AllocateNothing(MqttProtocolVersion version)
    {
        AssertEncodeAllocatesNothing(default(PingReqPacket), version);
        AssertEncodeAllocatesNothing(default(PingRespPacket), version);
        AssertDecodeAllocatesNothing(new ReadOnlySequence<byte>([0xC0, 0x00]), version);
        AssertDecodeAllocatesNothing(new ReadOnlySequence<byte>([0xD0, 0x00]), version);
    }

    private static PublishPacket Publish(MqttProtocolVersion version, int payloadSize, MqttQos qos)
    {
        var packet = new PublishPacket
        {
            Qos = qos,
            TopicName = "devices/sensor-0042/telemetry",
            PacketIdentifier = qos == MqttQos.AtMostOnce ? (ushort)0 : (ushort)4242,
            Payload = Enumerable.Range(0, payloadSize).Select(i => (byte)i).ToArray(),
        };

        return version == MqttProtocolVersion.V311
            ? packet
            : packet with
            {
                Properties = new PublishPacketProperties
                {
                    MessageExpiryInterval = 60,
                    UserProperties = new UserProperty[] { new("trace-id", "4bf92f3577b34da6"), new("tenant", "acme") },
                },
            };
    }

    // 5.0: a non-success reason code and a Reason String, the longest form (5.0 §3.4.2 … §3.7.2).
    private static IMqttPacket[] Acknowledgements(MqttProtocolVersion version)
    {
        if (version == MqttProtocolVersion.V311)
        {
            return [new PubAckPacket(1), new PubRecPacket(2), new PubRelPacket(3), new PubCompPacket(4)];
        }

        var properties = new AckProperties { ReasonString = "no subscribers", UserProperties = new UserProperty[] { new("k", "v") } };
        var notFound = new AckProperties { ReasonString = "unknown packet identifier" };
        return
        [
            new PubAckPacket(1, MqttReasonCode.NoMatchingSubscribers, properties),
            new PubRecPacket(2, MqttReasonCode.NoMatchingSubscribers, properties),
            new PubRelPacket(3, MqttReasonCode.PacketIdentifierNotFound, notFound),
            new PubCompPacket(4, MqttReasonCode.PacketIdentifierNotFound, notFound),
        ];
    }

    private static void AssertEncodeAllocatesNothing<TPacket>(in TPacket packet, MqttProtocolVersion version)
        where TPacket : IMqttPacket
    {
        // Pre-sized, so the writer itself never grows during the measurement.
        var output = new ArrayBufferWriter<byte>(16 * 1024);
        for (int i = 0; i < 100; i++)
        {
            output.ResetWrittenCount();
            PacketEncoder.Write(output, packet, version);
        }

        var rounds = new List<long>();
        for (int round = 0; round < Rounds && (rounds.Count == 0 || rounds.Min() > 0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Operations; i++)
            {
                output.ResetWrittenCount();
                PacketEncoder.Write(output, packet, version);
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(rounds.Min() == 0, $"{typeof(TPacket).Name} {version}: [{string.Join(", ", rounds)}] bytes per {Operations} encodes");
    }

    private static void AssertDecodeAllocatesNothing(ReadOnlySequence<byte> wire, MqttProtocolVersion version)
    {
        var handler = default(CountingHandler);
        for (int i = 0; i < 100; i++)
        {
            Decode(wire, version, ref handler);
        }

        var rounds = new List<long>();
        for (int round = 0; round < Rounds && (rounds.Count == 0 || rounds.Min() > 0); round++)
        {
            handler = default;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Operations; i++)
            {
                Decode(wire, version, ref handler);
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(0, handler.Failures);
            Assert.Equal(0, handler.Unexpected);
            Assert.Equal(Operations, handler.Packets);
        }

        Assert.True(rounds.Min() == 0, $"{wire.Length}-byte packet {version}: [{string.Join(", ", rounds)}] bytes per {Operations} decodes");
    }

    // No Assert in here: xunit's Assert.Equal allocates a comparer, which would be counted.
    private static void Decode(ReadOnlySequence<byte> wire, MqttProtocolVersion version, ref CountingHandler handler)
    {
        ReadOnlySequence<byte> buffer = wire;
        if (PacketDecoder.TryDecode(ref buffer, version, Codec.NoLimit, ref handler) != OperationStatus.Done || !buffer.IsEmpty)
        {
            handler.Failures++;
        }
    }

    /// <summary>Counts packets and touches what each carries, so nothing is decoded for nothing.</summary>
    private struct CountingHandler : IPacketHandler
    {
        public int Packets;
        public int Failures;
        public int Unexpected;
        public long Touched;

        public void OnPublish(in PublishPacket packet)
        {
            Packets++;
            Touched += packet.Payload.Length + packet.TopicName.ByteCount + packet.Properties.UserProperties.Count;
        }

        public void OnPubAck(in PubAckPacket packet) => Ack(packet.PacketIdentifier, packet.Properties);

        public void OnPubRec(in PubRecPacket packet) => Ack(packet.PacketIdentifier, packet.Properties);

        public void OnPubRel(in PubRelPacket packet) => Ack(packet.PacketIdentifier, packet.Properties);

        public void OnPubComp(in PubCompPacket packet) => Ack(packet.PacketIdentifier, packet.Properties);

        public void OnPingReq(in PingReqPacket packet) => Packets++;

        public void OnPingResp(in PingRespPacket packet) => Packets++;

        public void OnConnect(in ConnectPacket packet) => Unexpected++;

        public void OnConnAck(in ConnAckPacket packet) => Unexpected++;

        public void OnSubscribe(in SubscribePacket packet) => Unexpected++;

        public void OnSubAck(in SubAckPacket packet) => Unexpected++;

        public void OnUnsubscribe(in UnsubscribePacket packet) => Unexpected++;

        public void OnUnsubAck(in UnsubAckPacket packet) => Unexpected++;

        public void OnDisconnect(in DisconnectPacket packet) => Unexpected++;

        public void OnAuth(in AuthPacket packet) => Unexpected++;

        private void Ack(ushort packetIdentifier, in AckProperties properties)
        {
            Packets++;
            Touched += packetIdentifier + (properties.ReasonString?.ByteCount ?? 0) + properties.UserProperties.Count;
        }
    }
}
