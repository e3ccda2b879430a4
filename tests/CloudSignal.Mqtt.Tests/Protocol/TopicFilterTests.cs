using System.Buffers;
using System.Text;
using CloudSignal.Mqtt.Protocol;
using CloudSignal.Mqtt.Tests.Infrastructure;
using static CloudSignal.Mqtt.MqttProtocolVersion;

namespace CloudSignal.Mqtt.Tests.Protocol;

/// <summary>
/// Topic Filter syntax (5.0 §4.7, §4.8.2; 3.1.1 §4.7), checked on an application string, on a
/// contiguous decoded slice and on a slice split into one byte per segment: all must agree.
/// </summary>
public class TopicFilterTests
{
    [Theory] // 5.0 §4.7.1.2 and §4.7.1.3 examples
    [InlineData("#")]
    [InlineData("+")]
    [InlineData("/")]
    [InlineData("+/+")]
    [InlineData("/+")]
    [InlineData("+/")]
    [InlineData("sport/#")]
    [InlineData("sport/tennis/#")]
    [InlineData("sport/+/player1")]
    [InlineData("+/tennis/#")]
    [InlineData("a//b")]
    [InlineData("$SYS/#")]
    [InlineData("中/é/+/😀")]
    [InlineData("$share")]
    [InlineData("$sharex/a")]
    [InlineData("$share/g/#")]
    [InlineData("$share/g/+/x")]
    [InlineData("$share/group/a/b")]
    [InlineData("$share/g//")]
    public void ValidFilter_Checked_Accepted(string filter)
    {
        foreach (MqttString form in Forms(filter))
        {
            Assert.Null(TopicFilter.Check(form, V500, out _));
            Assert.Null(TopicFilter.Check(form, V311, out _));
        }
    }

    [Theory] // [MQTT-4.7.3-1]; '#' (5.0 [MQTT-4.7.1-1], 3.1.1 [MQTT-4.7.1-2]); '+' (5.0 [MQTT-4.7.1-2], 3.1.1 [MQTT-4.7.1-3])
    [InlineData("")]
    [InlineData("sport/tennis#")]
    [InlineData("sport/tennis/#/ranking")]
    [InlineData("#/")]
    [InlineData("##")]
    [InlineData("sport+")]
    [InlineData("+sport")]
    [InlineData("a/++")]
    [InlineData("a/+#")]
    [InlineData("a/#+")]
    [InlineData("é+")]
    public void InvalidFilter_Checked_Rejected(string filter)
    {
        foreach (MqttString form in Forms(filter))
        {
            Assert.NotNull(TopicFilter.Check(form, V500, out _));
            Assert.NotNull(TopicFilter.Check(form, V311, out _));
        }
    }

    [Theory] // [MQTT-4.8.2-1], [MQTT-4.8.2-2]: only 5.0 has shared subscriptions
    [InlineData("$share/")]
    [InlineData("$share/g")]
    [InlineData("$share/g/")]
    [InlineData("$share//a")]
    [InlineData("$share/+/a")]
    [InlineData("$share/#")]
    public void BadSharedSubscription_Checked_RejectedOnlyInV500(string filter)
    {
        foreach (MqttString form in Forms(filter))
        {
            Assert.NotNull(TopicFilter.Check(form, V500, out _));
            Assert.Null(TopicFilter.Check(form, V311, out bool shared));
            Assert.False(shared);
        }
    }

    [Theory]
    [InlineData("$share/g/a", true)]
    [InlineData("$share/g/#", true)]
    [InlineData("$SHARE/g/a", false)]
    [InlineData("a/$share/g/a", false)]
    public void SharePrefix_Checked_DetectedInV500(string filter, bool expected)
    {
        foreach (MqttString form in Forms(filter))
        {
            Assert.Null(TopicFilter.Check(form, V500, out bool shared));
            Assert.Equal(expected, shared);
        }
    }

    [Fact] // a text-backed filter is checked in place
    public void TextFilter_Checked_DoesNotAllocate()
    {
        MqttString filter = "sensors/+/temperature/#";
        TopicFilter.Check(filter, V500, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            TopicFilter.Check(filter, V500, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static IEnumerable<MqttString> Forms(string filter)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(filter);
        yield return filter;
        yield return MqttString.FromValidatedUtf8(new ReadOnlySequence<byte>(utf8));
        yield return MqttString.FromValidatedUtf8(Segments.OneBytePerSegment(utf8));
    }
}
