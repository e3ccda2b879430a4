using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Session.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Property = FsCheck.Property;

namespace CloudSignal.Mqtt.Tests.Session;

/// <summary>
/// Model-based property of the session (issue 3): random interleavings of application publishes,
/// a scripted correct server (acks in any order, duplicated, failed; its own QoS 0/1/2 publishes,
/// duplicates and PUBREL), packets crossing in flight, connection drops, reconnects with session
/// present 0 or 1 (5.0: a new Receive Maximum 1–10 and Topic Alias Maximum 0–2 each time), and
/// time passing with a 10 s keep alive. See Model/SessionModel*.cs for the server and the ledger.
///
/// Invariants, after every step and after a final settle phase (reconnect with a session, then
/// deliver and acknowledge everything):
///  1. every publish completes exactly once: QoS 1/2 only on the server's answer, failed exactly
///     when the server refused it (5.0 failure PUBACK/PUBREC); QoS 0 exactly when written, and
///     written at most once;
///  2. no packet identifier is reused while in flight [MQTT-2.2.1-3], on either side's view;
///  3. 5.0: unanswered QoS 1/2 PUBLISH on a connection never exceed the server's Receive Maximum
///     [MQTT-4.9.0-2];
///  4. inbound QoS 2 delivered exactly once (at most once if the server lost its session before
///     the client acknowledged it), QoS 1 at least once, QoS 0 at most once [MQTT-4.3.3-9];
///     outbound QoS 2 accepted by the server exactly once unless its session was lost;
///  5. the session never throws, never reports a protocol violation of a correct server, first
///     transmissions follow the order of Publish calls, and on each connection QoS 1/2 PUBLISH
///     go out in original order, resends first with DUP=1 and their identifier [MQTT-4.4.0-1]
///     [MQTT-4.6.0-1] [MQTT-3.3.1-1]; a PUBREL only after PUBREC [MQTT-4.3.3-4];
///  6. keep alive: a PINGREQ exactly one keep alive after the last packet written, the client
///     never silent longer while connected, and a keep alive timeout only when a PINGREQ has gone
///     unanswered for the period [MQTT-3.1.2-23].
/// Keep alive is 10 s, not 0, so that timers fire and the session closes itself now and then.
/// A failure prints the step list (shrunk by removing steps) and a packet trace.
/// </summary>
public class SessionModelProperties
{
    private const int Cases = 1_000;

    [Property(MaxTest = Cases)]
    public Property RandomInterleavings_V311_InvariantsHold() => Holds(MqttProtocolVersion.V311);

    [Property(MaxTest = Cases)]
    public Property RandomInterleavings_V500_InvariantsHold() => Holds(MqttProtocolVersion.V500);

    [Fact] // [MQTT-4.9.0-2]: resends after a resumed session count against the new Receive Maximum
    public void ResumeWithLowerReceiveMaximum_ModelScenario_ResendsWithinTheNewQuota()
    {
        // Found by the property: three flows in flight, reconnect with Receive Maximum 2, and all three went out at once.
        var scenario = new ModelScenario(MqttProtocolVersion.V500, new ReconnectStep(true, 5, 2),
        [
            new PublishStep(MqttQos.ExactlyOnce, true, 2),
            new PublishStep(MqttQos.AtLeastOnce, true, 0),
            new PublishStep(MqttQos.ExactlyOnce, false, 2),
            new ReconnectStep(true, 2, 2),
        ]);

        Assert.Null(SessionModel.Check(scenario, out IReadOnlyList<string> trace));
        Assert.Contains("connection 2: CONNECT, CONNACK session present 1", trace);
    }

    [Fact] // 5.0 §3.7.2.1: PUBCOMP 0x92 "is not an error during recovery"; the server owned the message from PUBREC
    public void PubCompLostThenServerAnswersNotFound_ModelScenario_PublishCompletesAsSuccess()
    {
        // Found by the property: the PUBCOMP is lost with the connection, the server has forgotten the
        // flow, answers the resent PUBREL with PUBCOMP 0x92, and the publish was reported as failed.
        var scenario = new ModelScenario(MqttProtocolVersion.V500, new ReconnectStep(true, 1, 0),
        [
            new PublishStep(MqttQos.ExactlyOnce, false, 0),
            new ServerReadStep(0),
            new ServerActStep(0, ActVariant.Normal),
            new ClientReadStep(0),
            new ServerReadStep(0),
            new ServerActStep(0, ActVariant.Normal),
        ]);

        Assert.Null(SessionModel.Check(scenario, out IReadOnlyList<string> trace));
        Assert.Contains("   client ← PUBCOMP id=1 rc=0x92", trace);
        Assert.Contains("   client event: m=1 completed 0x00", trace);
    }

    private static Property Holds(MqttProtocolVersion version) =>
        Prop.ForAll(ModelGen.Scenario(version), scenario =>
        {
            string? failure = SessionModel.Check(scenario);
            return (failure is null).Label(failure ?? string.Empty);
        });
}
