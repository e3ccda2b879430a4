using System.Text;
using CloudSignal.Mqtt.Protocol;
using FsCheck;
using FsCheck.Fluent;

namespace CloudSignal.Mqtt.Tests.Session.Model;

/// <summary>
/// One step of a model scenario. Steps are generated without looking at the state: each one is
/// interpreted against the state when it runs (a pick is taken modulo what is available; a step
/// that cannot apply, such as an ack with nothing owed, does nothing). So every sub-list of a
/// scenario is itself a valid scenario, and shrinking is just removing steps.
/// </summary>
internal abstract record ModelStep;

/// <summary>The application publishes message c/<paramref name="Topic"/> at <paramref name="Qos"/>.</summary>
internal sealed record PublishStep(MqttQos Qos, bool Retain, int Topic) : ModelStep
{
    public override string ToString() => $"Publish(QoS {(int)Qos}{(Retain ? ", retain" : string.Empty)}, c/{Topic})";
}

/// <summary>The server reads <paramref name="Count"/> packets the client wrote (0: all of them).</summary>
internal sealed record ServerReadStep(int Count) : ModelStep
{
    public override string ToString() => Count == 0 ? "ServerReadAll" : $"ServerRead({Count})";
}

/// <summary>The client receives <paramref name="Count"/> packets the server wrote (0: all of them).</summary>
internal sealed record ClientReadStep(int Count) : ModelStep
{
    public override string ToString() => Count == 0 ? "ClientReadAll" : $"ClientRead({Count})";
}

internal enum ActVariant
{
    Normal,

    /// <summary>5.0: PUBACK/PUBREC with a failure reason code (3.1.1: as Normal).</summary>
    Fail,

    /// <summary>The response is written twice, back to back.</summary>
    Duplicate,
}

/// <summary>The server sends one response it owes (PUBACK, PUBREC, PUBCOMP, PUBREL, PINGRESP), picked among all: reordering.</summary>
internal sealed record ServerActStep(int Pick, ActVariant Variant) : ModelStep
{
    public override string ToString() => $"ServerAct(#{Pick}{(Variant == ActVariant.Normal ? string.Empty : ", " + Variant)})";
}

/// <summary>The server publishes a new message to the client with a fresh packet identifier.</summary>
internal sealed record ServerPublishStep(MqttQos Qos, bool Retain) : ModelStep
{
    public override string ToString() => $"ServerPublish(QoS {(int)Qos}{(Retain ? ", retain" : string.Empty)})";
}

/// <summary>3.1.1 only: the server re-sends an unacknowledged PUBLISH (DUP=1) on the same connection, before its PUBREL.</summary>
internal sealed record ServerDuplicateStep(int Pick) : ModelStep
{
    public override string ToString() => $"ServerDuplicate(#{Pick})";
}

/// <summary>The network connection breaks; whatever is in transit either way is lost.</summary>
internal sealed record DropStep : ModelStep
{
    public override string ToString() => "Drop";
}

/// <summary>
/// (Drop if connected, then) connect again; CONNACK says <paramref name="SessionPresent"/> when the
/// server has a session. 5.0: the server's Receive Maximum and Topic Alias Maximum.
/// </summary>
internal sealed record ReconnectStep(bool SessionPresent, ushort ReceiveMaximum, ushort TopicAliasMaximum) : ModelStep
{
    public override string ToString() => $"Reconnect(sp={(SessionPresent ? 1 : 0)}, rm={ReceiveMaximum}, tam={TopicAliasMaximum})";
}

/// <summary>The application disconnects cleanly (DISCONNECT, then the transport closes).</summary>
internal sealed record ClientDisconnectStep : ModelStep
{
    public override string ToString() => "ClientDisconnect";
}

/// <summary>Fake time moves on; keep alive timers fire at their deadlines.</summary>
internal sealed record AdvanceStep(int Seconds) : ModelStep
{
    public override string ToString() => $"Advance({Seconds}s)";
}

/// <summary>A whole model case: the protocol level, the first CONNACK, then the steps.</summary>
internal sealed record ModelScenario(MqttProtocolVersion Version, ReconnectStep FirstConnAck, ModelStep[] Steps)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Version).Append(", first ").Append(FirstConnAck).Append(", ").Append(Steps.Length).AppendLine(" steps:");
        for (int i = 0; i < Steps.Length; i++)
        {
            text.Append("  ").Append(i + 1).Append(". ").Append(Steps[i]).AppendLine();
        }

        return text.ToString();
    }
}

/// <summary>FsCheck generator and shrinker for <see cref="ModelScenario"/>.</summary>
internal static class ModelGen
{
    public const int MaxSteps = 40;

    private static readonly Gen<MqttQos> AnyQos = Gen.Elements(MqttQos.AtMostOnce, MqttQos.AtLeastOnce, MqttQos.ExactlyOnce);

    private static readonly Gen<bool> Sometimes = Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)));

    /// <summary>Read everything half of the time, else a few packets, so acks and data cross in flight.</summary>
    private static readonly Gen<int> ReadCount = Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)));

    public static Gen<ReconnectStep> ConnAck =>
        from sp in Gen.Frequency((2, Gen.Constant(true)), (1, Gen.Constant(false)))
        from rm in Gen.Choose(1, 10)
        from tam in Gen.Elements(0, 0, 1, 2)
        select new ReconnectStep(sp, (ushort)rm, (ushort)tam);

    public static Gen<ModelStep> Step => Gen.Frequency(
        (6, from q in AnyQos from r in Sometimes from t in Gen.Choose(0, 2) select (ModelStep)new PublishStep(q, r, t)),
        (6, ReadCount.Select(n => (ModelStep)new ServerReadStep(n))),
        (6, ReadCount.Select(n => (ModelStep)new ClientReadStep(n))),
        (8, from pick in Gen.Choose(0, 7)
            from v in Gen.Frequency((5, Gen.Constant(ActVariant.Normal)), (2, Gen.Constant(ActVariant.Fail)), (1, Gen.Constant(ActVariant.Duplicate)))
            select (ModelStep)new ServerActStep(pick, v)),
        (4, from q in AnyQos from r in Sometimes select (ModelStep)new ServerPublishStep(q, r)),
        (1, Gen.Choose(0, 7).Select(p => (ModelStep)new ServerDuplicateStep(p))),
        (1, Gen.Constant((ModelStep)new DropStep())),
        (2, ConnAck.Select(c => (ModelStep)c)),
        (1, Gen.Constant((ModelStep)new ClientDisconnectStep())),
        (2, Gen.Choose(1, 12).Select(s => (ModelStep)new AdvanceStep(s))));

    public static Arbitrary<ModelScenario> Scenario(MqttProtocolVersion version) => Arb.From(
        from first in ConnAck
        from length in Gen.Choose(0, MaxSteps)
        from steps in Step.ArrayOf(length)
        select new ModelScenario(version, first, steps),
        Shrink);

    /// <summary>Removes chunks of steps, halves first, then single steps (any sub-list is a valid scenario).</summary>
    private static IEnumerable<ModelScenario> Shrink(ModelScenario scenario)
    {
        ModelStep[] steps = scenario.Steps;
        for (int chunk = steps.Length / 2; chunk >= 1; chunk /= 2)
        {
            for (int start = 0; start + chunk <= steps.Length; start += chunk)
            {
                yield return scenario with { Steps = [.. steps[..start], .. steps[(start + chunk)..]] };
            }
        }

        if (scenario.FirstConnAck is { ReceiveMaximum: > 1 } or { TopicAliasMaximum: > 0 })
        {
            yield return scenario with { FirstConnAck = scenario.FirstConnAck with { ReceiveMaximum = 1, TopicAliasMaximum = 0 } };
        }
    }
}
