using System.Text;
using CloudSignal.Mqtt.Protocol;

namespace CloudSignal.Mqtt.Tests.Client;

/// <summary>
/// <see cref="MqttTopicName"/>: a Topic Name is checked once, at construction, with the codec's
/// own rules (so a name it accepts is one the encoder sends); equality is ordinal.
/// </summary>
public class MqttTopicNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("/")]
    [InlineData("sport/tennis/player1")]
    [InlineData("a//b/")]
    [InlineData("$SYS/broker")]
    [InlineData("caf\u00e9/\u4e2d\u6587/\U0001F600")] // 2-, 3- and 4-byte UTF-8, a valid surrogate pair
    public void ValidName_Accepted_NameKeptAsGiven(string name)
    {
        var topic = new MqttTopicName(name);

        Assert.Same(name, topic.Name);
        Assert.Equal(name, topic.ToString());
    }

    [Fact] // [MQTT-4.7.3-1]: a Topic Name is at least one character
    public void Empty_ArgumentException_ProtocolErrorNamesTheProblem()
    {
        ArgumentException ex = Rejected(string.Empty, MqttReasonCode.ProtocolError);
        Assert.Contains("topic name is empty", ex.Message, StringComparison.Ordinal);
    }

    [Theory] // [MQTT-3.3.2-2]: no wildcard characters in a Topic Name
    [InlineData("+")]
    [InlineData("#")]
    [InlineData("a/+/b")]
    [InlineData("a/#")]
    [InlineData("a+b")]
    [InlineData("a#")]
    public void Wildcard_ArgumentException_TopicNameInvalid(string name)
    {
        ArgumentException ex = Rejected(name, MqttReasonCode.TopicNameInvalid);
        Assert.Contains("wildcard", ex.Message, StringComparison.Ordinal);
    }

    [Fact] // [MQTT-1.5.4-2]: no U+0000
    public void NullCharacter_ArgumentException_Malformed()
    {
        ArgumentException ex = Rejected("a\0b", MqttReasonCode.MalformedPacket);
        Assert.Contains("U+0000", ex.Message, StringComparison.Ordinal);
    }

    // Built from char codes: xunit's theory serialisation would replace a lone surrogate with U+FFFD.
    [Theory] // [MQTT-1.5.4-1]: no surrogate code points
    [InlineData(0xD800, 0)] // high, at the start
    [InlineData(0xDBFF, 2)] // high, at the end (no low one follows)
    [InlineData(0xDC00, 0)] // low, without a high one before it
    [InlineData(0xDFFF, 1)] // low, in the middle
    public void LoneSurrogate_ArgumentException_Malformed(int surrogate, int position)
    {
        string name = "ab".Insert(position, ((char)surrogate).ToString());
        ArgumentException ex = Rejected(name, MqttReasonCode.MalformedPacket);
        Assert.Contains("unpaired surrogate", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SurrogatePairInReverseOrder_ArgumentException_Malformed() =>
        Rejected("a" + (char)0xDC00 + (char)0xD800 + "b", MqttReasonCode.MalformedPacket);

    [Fact] // 5.0 §1.5.4 / 3.1.1 §1.5.3: a UTF-8 string is at most 65,535 bytes
    public void Exactly65535Bytes_Accepted()
    {
        var topic = new MqttTopicName(new string('a', 65_535));
        Assert.Equal(65_535, Encoding.UTF8.GetByteCount(topic.Name));
    }

    [Fact]
    public void Ascii65536Bytes_ArgumentException_CountsTheBytes()
    {
        ArgumentException ex = Rejected(new string('a', 65_536), MqttReasonCode.MalformedPacket);
        Assert.Contains("65536 UTF-8 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("65,535", ex.Message, StringComparison.Ordinal);
    }

    [Fact] // The limit is on bytes, not characters: 21,846 three-byte characters are 65,538 bytes.
    public void MultiByteCharactersOverTheByteLimit_ArgumentException_CountsBytesNotChars()
    {
        string name = new('\u4e2d', 21_846);
        Assert.True(name.Length < 65_535);
        ArgumentException ex = Rejected(name, MqttReasonCode.MalformedPacket);
        Assert.Contains("65538 UTF-8 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact] // 21,845 three-byte characters are exactly 65,535 bytes.
    public void MultiByteCharactersAtTheByteLimit_Accepted() =>
        Assert.Equal(65_535, Encoding.UTF8.GetByteCount(new MqttTopicName(new string('\u4e2d', 21_845)).Name));

    [Fact] // 16,384 four-byte characters (surrogate pairs: 32,768 chars) are 65,536 bytes.
    public void SurrogatePairsOverTheByteLimit_ArgumentException()
    {
        string name = string.Concat(Enumerable.Repeat("\U0001F600", 16_384));
        ArgumentException ex = Rejected(name, MqttReasonCode.MalformedPacket);
        Assert.Contains("65536 UTF-8 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_ArgumentNullException() =>
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => new MqttTopicName(null!)).ParamName);

    [Fact]
    public void Equality_IsOrdinal()
    {
        var a = new MqttTopicName("a/b");
        var same = new MqttTopicName(new string(['a', '/', 'b'])); // equal text, another instance
        var upper = new MqttTopicName("A/b");
        var composed = new MqttTopicName("caf\u00e9");
        var decomposed = new MqttTopicName("cafe\u0301"); // canonically equivalent, other code points

        Assert.True(a.Equals(same));
        Assert.True(a == same);
        Assert.False(a != same);
        Assert.True(a.Equals((object)same));
        Assert.Equal(a.GetHashCode(), same.GetHashCode());

        Assert.False(a.Equals(upper));
        Assert.True(a != upper);
        Assert.False(a == upper);
        Assert.False(composed.Equals(decomposed));

        Assert.False(a.Equals((object)"a/b"));
        Assert.False(a.Equals(null));
    }

    [Fact]
    public void Default_HasNoName_EqualsOnlyDefault_ToStringEmpty()
    {
        MqttTopicName none = default;

        Assert.Null(none.Name);
        Assert.Equal(string.Empty, none.ToString());
        Assert.Equal(0, none.GetHashCode());
        Assert.True(none == default(MqttTopicName));
        Assert.False(none == new MqttTopicName("a"));
        Assert.False(new MqttTopicName("a").Equals(none));
    }

    [Fact]
    public void UsableAsDictionaryKey()
    {
        var counts = new Dictionary<MqttTopicName, int>
        {
            [new MqttTopicName("x/1")] = 1,
            [new MqttTopicName("x/2")] = 2,
        };
        counts[new MqttTopicName("x/" + 1)] += 10;

        Assert.Equal(2, counts.Count);
        Assert.Equal(11, counts[new MqttTopicName("x/1")]);
    }

    /// <summary>
    /// Asserts the constructor throws an ArgumentException (not a derived type) for the
    /// parameter "name", wrapping the codec's refusal with <paramref name="code"/>.
    /// </summary>
    private static ArgumentException Rejected(string name, MqttReasonCode code)
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new MqttTopicName(name));
        Assert.Equal("name", ex.ParamName);
        Assert.StartsWith("Invalid topic name: ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(code, Assert.IsType<MqttProtocolException>(ex.InnerException).ReasonCode);
        return ex;
    }
}
