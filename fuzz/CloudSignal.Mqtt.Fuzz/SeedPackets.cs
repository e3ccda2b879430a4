using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Fuzz;

/// <summary>One valid packet of every type, plain and with properties, for a protocol level: the seed corpus.</summary>
internal static class SeedPackets
{
    public static IEnumerable<(string Name, IMqttPacket Packet)> For(MqttProtocolVersion version)
    {
        bool v5 = version == MqttProtocolVersion.V500;
        var user = new UserProperties([new UserProperty("k", "v")]);
        yield return ("connect", new ConnectPacket { ProtocolVersion = version, CleanStart = true, KeepAlive = 60, ClientId = "c1" });
        yield return ("connect-full", new ConnectPacket
        {
            ProtocolVersion = version,
            KeepAlive = 30,
            ClientId = "client",
            UserName = new MqttString("user@org"),
            Password = new MqttBinary(new byte[] { 1, 2, 3 }),
            Will = new ConnectWill
            {
                Topic = "will/t",
                Payload = new byte[] { 9 },
                Qos = MqttQos.AtLeastOnce,
                Retain = true,
                Properties = v5 ? new WillProperties { WillDelayInterval = 5, ContentType = new MqttString("text/plain") } : default,
            },
            Properties = v5 ? new ConnectProperties { SessionExpiryInterval = 300, ReceiveMaximum = 10, MaximumPacketSize = 4096, TopicAliasMaximum = 5, UserProperties = user } : default,
        });
        yield return ("connack", new ConnAckPacket { SessionPresent = true });
        if (v5)
        {
            yield return ("connack-full", new ConnAckPacket
            {
                Properties = new ConnAckProperties
                {
                    ReceiveMaximum = 20,
                    MaximumQoS = MqttQos.AtLeastOnce,
                    RetainAvailable = false,
                    MaximumPacketSize = 1024,
                    AssignedClientIdentifier = new MqttString("assigned"),
                    TopicAliasMaximum = 10,
                    ReasonString = new MqttString("ok"),
                    ServerKeepAlive = 20,
                    UserProperties = user,
                },
            });
        }

        yield return ("publish-0", new PublishPacket { TopicName = "a/b", Payload = new byte[] { 1, 2 } });
        yield return ("publish-1", new PublishPacket { Qos = MqttQos.AtLeastOnce, PacketIdentifier = 1, Retain = true, TopicName = "a/b", Payload = new byte[64] });
        yield return ("publish-2", new PublishPacket
        {
            Qos = MqttQos.ExactlyOnce,
            Dup = true,
            PacketIdentifier = 65535,
            TopicName = "x",
            Payload = new byte[] { 0xFF },
            Properties = v5
                ? new PublishPacketProperties
                {
                    PayloadFormatIndicator = 1,
                    MessageExpiryInterval = 60,
                    ContentType = new MqttString("json"),
                    ResponseTopic = new MqttString("r/t"),
                    CorrelationData = new MqttBinary(new byte[] { 7 }),
                    TopicAlias = 3,
                    UserProperties = user,
                }
                : default,
        });
        yield return ("puback", new PubAckPacket(1));
        yield return ("pubrec", new PubRecPacket(2));
        yield return ("pubrel", new PubRelPacket(3));
        yield return ("pubcomp", new PubCompPacket(4));
        if (v5)
        {
            yield return ("puback-reason", new PubAckPacket(5, MqttReasonCode.NoMatchingSubscribers, new AckProperties { ReasonString = new MqttString("none"), UserProperties = user }));
        }

        yield return ("subscribe", new SubscribePacket
        {
            PacketIdentifier = 10,
            Subscriptions = new[] { new Subscription("a/+", new SubscriptionOptionFlags { MaximumQos = MqttQos.ExactlyOnce }), new Subscription("b/#") },
            Properties = v5 ? new SubscribeProperties { SubscriptionIdentifier = 7 } : default,
        });
        yield return ("suback", new SubAckPacket { PacketIdentifier = 10, ReasonCodes = new[] { MqttReasonCode.GrantedQoS1, MqttReasonCode.UnspecifiedError } });
        yield return ("unsubscribe", new UnsubscribePacket { PacketIdentifier = 11, TopicFilters = new MqttString[] { "a/+" } });
        yield return ("unsuback", new UnsubAckPacket { PacketIdentifier = 11, ReasonCodes = v5 ? new[] { MqttReasonCode.Success } : [] });
        yield return ("pingreq", default(PingReqPacket));
        yield return ("pingresp", default(PingRespPacket));
        yield return ("disconnect", new DisconnectPacket());
        if (v5)
        {
            yield return ("disconnect-reason", new DisconnectPacket(MqttReasonCode.ServerShuttingDown, new DisconnectProperties { ReasonString = new MqttString("bye") }));
            yield return ("auth", new AuthPacket(MqttReasonCode.ContinueAuthentication, new AuthProperties { AuthenticationMethod = new MqttString("m"), AuthenticationData = new MqttBinary(new byte[] { 1 }) }));
        }
    }
}
