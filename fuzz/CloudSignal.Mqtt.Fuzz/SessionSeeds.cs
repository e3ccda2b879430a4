using System.Buffers;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>
/// Seed inputs for the session target: setup bytes, then what a well-behaved server would send.
/// The conversations are not written by hand: a small server model answers whatever the
/// session (driven exactly as the target drives it) wrote, so the packet identifiers match.
/// </summary>
internal static class SessionSeeds
{
    private const int Whole = 128;

    public static IEnumerable<(string Name, byte[] Input)> For(MqttProtocolVersion version)
    {
        bool v5 = version == MqttProtocolVersion.V500;
        // One byte per segment: the session writes before the next answer arrives, as on a real
        // connection, where the server answers only what it received.
        foreach (byte flags in new byte[] { 0x00, 0x0F })
        {
            yield return ($"converse-{flags:x2}", Input(new SessionSetup(version, 1, flags), Converse));
        }

        yield return ("inbound", Input(new SessionSetup(version, Whole, 0x02), Inbound));
        yield return ("inbound-bytewise", Input(new SessionSetup(version, 1, 0x06), Inbound));

        // One byte per segment, so the CONNACK of the new connection starts a segment of its own.
        yield return ("reconnect", Input(new SessionSetup(version, 1, 0x00), driver => Reconnect(driver, v5)));

        // Keep alive (10 s): one PINGRESP per 2-byte segment, 4 s apart, so PINGREQ goes out at
        // 10, 20 and 30 s and is answered within its 5 s.
        var ping = new SessionSetup(version, 2, 0x40);
        yield return ("keepalive", Input(ping, driver => Repeat(driver.Encode(default(PingRespPacket)), 8)));

        // The codec's seed packets one by one, as if the server sent them (most are violations).
        foreach ((string name, IMqttPacket packet) in SeedPackets.For(version))
        {
            var setup = new SessionSetup(version, Whole, 0x00);
            yield return ($"packet-{name}", Input(setup, driver => driver.Encode(packet)));
        }
    }

    private static byte[] Input(SessionSetup setup, Func<SessionDriver, byte[]> stream)
    {
        var driver = new SessionDriver(setup);
        driver.Start();
        return [.. setup.Header(), .. stream(driver)];
    }

    private static byte[] Repeat(byte[] bytes, int times) => Enumerable.Repeat(bytes, times).SelectMany(b => b).ToArray();

    /// <summary>Answers everything the session wrote, until it writes nothing new.</summary>
    private static byte[] Converse(SessionDriver driver)
    {
        var stream = new ArrayBufferWriter<byte>();
        for (int round = 0; round < 20; round++)
        {
            byte[] answers = [.. driver.TakeSent().SelectMany(p => Answer(driver, p, sessionPresent: true))];
            if (answers.Length == 0)
            {
                break;
            }

            stream.Write(answers);
            driver.Receive(answers);
        }

        return stream.WrittenSpan.ToArray();
    }

    /// <summary>Server-to-client traffic: QoS 0/1/2 publishes, a duplicate, PUBREL; 5.0: a topic alias set and used.</summary>
    private static byte[] Inbound(SessionDriver driver)
    {
        bool v5 = driver.Setup.V5;
        var packets = new List<IMqttPacket>
        {
            new PublishPacket { TopicName = "in/0", Payload = new byte[] { 0 } },
            new PublishPacket { TopicName = "in/1", Qos = MqttQos.AtLeastOnce, PacketIdentifier = 100, Payload = new byte[] { 1 } },
            new PublishPacket { TopicName = "in/2", Qos = MqttQos.ExactlyOnce, PacketIdentifier = 101, Payload = new byte[] { 2 } },
            new PublishPacket { TopicName = "in/2", Qos = MqttQos.ExactlyOnce, PacketIdentifier = 101, Dup = true, Payload = new byte[] { 2 } },
            new PubRelPacket(101),
        };
        if (v5)
        {
            packets.Add(new PublishPacket { TopicName = "in/alias", Properties = new PublishPacketProperties { TopicAlias = 1 }, Payload = new byte[] { 3 } });
            packets.Add(new PublishPacket { Properties = new PublishPacketProperties { TopicAlias = 1 }, Payload = new byte[] { 4 } });
        }

        packets.Add(default(PingRespPacket));
        return [.. packets.SelectMany(driver.Encode)];
    }

    /// <summary>
    /// The server ends the connection (5.0: DISCONNECT; 3.1.1, which has no server DISCONNECT: a
    /// PINGREQ, a violation), the target reconnects, and the server resumes the session.
    /// </summary>
    private static byte[] Reconnect(SessionDriver driver, bool v5)
    {
        byte[] end = v5 ? driver.Encode(new DisconnectPacket(MqttReasonCode.ServerShuttingDown)) : driver.Encode(default(PingReqPacket));
        driver.TakeSent();
        driver.Receive(end);
        Oracle.Check(driver.Session.State == SessionState.Disconnected, "the reconnect seed did not close the connection");
        driver.Connect();
        return [.. end, .. Converse(driver)];
    }

    private static IEnumerable<byte> Answer(SessionDriver driver, IMqttPacket sent, bool sessionPresent)
    {
        bool v5 = driver.Setup.V5;
        IMqttPacket? answer = sent switch
        {
            ConnectPacket when driver.Session.State == SessionState.Connecting => driver.Setup.ConnAck(sessionPresent),
            PublishPacket { Qos: MqttQos.AtLeastOnce } p => new PubAckPacket(p.PacketIdentifier),
            PublishPacket { Qos: MqttQos.ExactlyOnce } p => new PubRecPacket(p.PacketIdentifier),
            PubRelPacket p => new PubCompPacket(p.PacketIdentifier),
            SubscribePacket s => new SubAckPacket
            {
                PacketIdentifier = s.PacketIdentifier,
                ReasonCodes = s.Subscriptions.Span.ToArray().Select(f => (MqttReasonCode)f.Options.MaximumQos).ToArray(),
            },
            UnsubscribePacket u => new UnsubAckPacket
            {
                PacketIdentifier = u.PacketIdentifier,
                ReasonCodes = v5 ? Enumerable.Repeat(MqttReasonCode.Success, u.TopicFilters.Count).ToArray() : Array.Empty<MqttReasonCode>(),
            },
            PingReqPacket => default(PingRespPacket),
            _ => null,
        };
        return answer is null ? [] : driver.Encode(answer);
    }
}
