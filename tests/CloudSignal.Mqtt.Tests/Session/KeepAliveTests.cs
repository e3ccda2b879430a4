using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Session;
using CloudSignal.Mqtt.Tests.Infrastructure;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>Keep alive timing to the millisecond (5.0 §3.1.2.10, §3.12; 3.1.1 §3.1.2.10).</summary>
public class KeepAliveTests
{
    private static SessionHarness Connected(TimeSpan keepAlive, TimeSpan? responseTimeout = null, ConnAckPacket? connAck = null)
    {
        var h = new SessionHarness(new SessionOptions { KeepAlive = keepAlive, PingResponseTimeout = responseTimeout });
        h.Connect(connAck);
        return h;
    }

    [Fact] // [MQTT-3.1.2-23]: PINGREQ when nothing was sent for the keep alive period
    public void KeepAliveElapsed_NoTraffic_PingReqSentExactlyThen()
    {
        SessionHarness h = Connected(TimeSpan.FromSeconds(10));
        h.AdvanceTo(TimeSpan.FromMilliseconds(9_999));
        Assert.Empty(h.Sent());

        h.AdvanceTo(TimeSpan.FromSeconds(10));
        Assert.IsType<PingReqPacket>(Assert.Single(h.Sent()));
        Assert.Equal(TimeSpan.FromSeconds(10), h.Log[^1].At);
    }

    [Fact] // the period counts from the last packet we sent
    public void PublishAtFourSeconds_KeepAlive_PingReqMovesToFourteen()
    {
        SessionHarness h = Connected(TimeSpan.FromSeconds(10));
        h.AdvanceTo(TimeSpan.FromSeconds(4));
        h.Session.Publish(new OutboundMessage("t", new byte[] { 1 }));
        Assert.IsType<PublishPacket>(Assert.Single(h.Sent()));

        h.AdvanceTo(TimeSpan.FromMilliseconds(13_999));
        Assert.Empty(h.Sent());
        h.AdvanceTo(TimeSpan.FromSeconds(14));
        Assert.IsType<PingReqPacket>(Assert.Single(h.Sent()));
    }

    [Fact] // receiving does not postpone our PINGREQ: the rule is about what the client sends
    public void InboundTraffic_KeepAlive_DoesNotPostponePingReq()
    {
        SessionHarness h = Connected(TimeSpan.FromSeconds(10));
        for (int s = 1; s <= 9; s++)
        {
            h.AdvanceTo(TimeSpan.FromSeconds(s));
            h.Receive(new PublishPacket { TopicName = "in", Payload = new byte[] { (byte)s } });
        }

        h.AdvanceTo(TimeSpan.FromSeconds(10));
        Assert.IsType<PingReqPacket>(Assert.Single(h.Sent()));
        Assert.Equal(9, h.Messages.Count);
    }

    [Fact] // response timeout defaults to half the keep alive period: dead at 1.5 × keep alive, the server's own bound (5.0 §3.1.2.10)
    public void NoPingResp_DefaultTimeout_ConnectionDeclaredDeadAtOneAndAHalfKeepAlive()
    {
        SessionHarness h = Connected(TimeSpan.FromSeconds(10));
        h.AdvanceTo(TimeSpan.FromMilliseconds(14_999));
        Assert.Equal(SessionState.Connected, h.Session.State);

        h.AdvanceTo(TimeSpan.FromSeconds(15));
        Assert.Equal(SessionState.Disconnected, h.Session.State);
        SessionEvent closed = Assert.Single(h.EventsOf(SessionEventKind.Closed));
        Assert.Equal(CloseReason.KeepAliveTimeout, Assert.IsType<CloseInfo>(closed.Detail).Reason);
    }

    [Fact]
    public void NoPingResp_ConfiguredTimeout_ConnectionDeclaredDeadAfterIt()
    {
        SessionHarness h = Connected(TimeSpan.FromSeconds(10), responseTimeout: TimeSpan.FromSeconds(3));
        h.AdvanceTo(TimeSpan.FromMilliseconds(12_999));
        Assert.Equal(SessionState.Connected, h.Session.State);
        h.AdvanceTo(TimeSpan.FromSeconds(13));
        Assert.Equal(SessionState.Disconnected, h.Session.State);
    }

    [Fact]
    public void PingRespInTime_KeepAlive_NextPingAfterAnotherPeriod()
    {
        SessionHarness h = Connected(TimeSpan.FromSeconds(10));
        for (int round = 1; round <= 3; round++)
        {
            h.AdvanceTo(TimeSpan.FromSeconds(10 * round));
            Assert.IsType<PingReqPacket>(Assert.Single(h.Sent()));
            h.AdvanceTo(TimeSpan.FromSeconds((10 * round) + 1));
            h.Receive(default(PingRespPacket));
        }

        Assert.Equal(SessionState.Connected, h.Session.State);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30)],
            h.Log.Where(p => p.Packet is PingReqPacket).Select(p => p.At));
    }

    [Fact] // Keep Alive 0 turns the mechanism off
    public void KeepAliveZero_LongSilence_NoPingAndNoTimeout()
    {
        SessionHarness h = Connected(TimeSpan.Zero);
        Assert.Null(h.Session.PollTimeout());
        h.AdvanceTo(TimeSpan.FromHours(2));
        Assert.Empty(h.Sent());
        Assert.Equal(SessionState.Connected, h.Session.State);
    }

    [Fact] // [MQTT-3.2.2-21]: the server's Server Keep Alive replaces ours
    public void ServerKeepAlive_InConnAck_OverridesOurs()
    {
        SessionHarness h = Connected(
            TimeSpan.FromSeconds(60),
            connAck: new ConnAckPacket { Properties = new ConnAckProperties { ServerKeepAlive = 5 } });
        h.AdvanceTo(TimeSpan.FromSeconds(5));
        Assert.IsType<PingReqPacket>(Assert.Single(h.Sent()));
    }

    [Fact]
    public void KeepAlive_InConnect_IsSentInSeconds()
    {
        var h = new SessionHarness(new SessionOptions { KeepAlive = TimeSpan.FromSeconds(45) });
        Assert.Equal(45, h.Connect().KeepAlive);
    }
}
