namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// Topic Filter syntax (5.0 §4.7 and §4.8.2, 3.1.1 §4.7), checked the same way on the way in and
/// on the way out:
/// <list type="bullet">
/// <item>at least one character [MQTT-4.7.3-1];</item>
/// <item>'#' on its own or after '/', and last (5.0 [MQTT-4.7.1-1], 3.1.1 [MQTT-4.7.1-2]);</item>
/// <item>'+' fills a whole level (5.0 [MQTT-4.7.1-2], 3.1.1 [MQTT-4.7.1-3]);</item>
/// <item>5.0 only: <c>$share/{ShareName}/{filter}</c> needs a ShareName of 1+ characters without
/// '/', '+' or '#', then '/', then a filter [MQTT-4.8.2-1], [MQTT-4.8.2-2]. 3.1.1 has no shared
/// subscriptions, so there <c>$share/…</c> is an ordinary filter.</item>
/// </list>
/// </summary>
/// <remarks>
/// The wildcards and '/' are ASCII, and no byte of a multi-byte UTF-8 sequence (nor any UTF-16
/// surrogate) is below 0x80, so the rules can be checked one byte (or one char) at a time,
/// over a decoded slice or the application's string, without copying or decoding either.
/// A broken rule is reported as 0x8F Topic Filter invalid: the packet parses, so it is not
/// 0x81 Malformed (5.0 §1.2 defines Malformed as "cannot be parsed"), and 0x8F is the code the
/// spec gives this field, as the core reports a bad PUBLISH Topic Name with 0x90.
/// </remarks>
internal static class TopicFilter
{
    private const string SharePrefix = "$share/";

    /// <summary>Null when <paramref name="filter"/> is a valid Topic Filter, otherwise the problem.</summary>
    /// <param name="filter">The Topic Filter, text or a decoded slice.</param>
    /// <param name="version">Shared subscriptions exist only in 5.0.</param>
    /// <param name="isShared">True for a 5.0 Shared Subscription (<c>$share/…</c>).</param>
    public static string? Check(in MqttString filter, MqttProtocolVersion version, out bool isShared)
    {
        var scanner = new Scanner(detectShared: version == MqttProtocolVersion.V500);
        if (filter.IsSlice)
        {
            foreach (ReadOnlyMemory<byte> segment in filter.Utf8)
            {
                foreach (byte b in segment.Span)
                {
                    scanner.Feed(b);
                }
            }
        }
        else
        {
            // A text-backed MqttString hands back its own string: no allocation.
            foreach (char c in filter.ToString())
            {
                scanner.Feed(c);
            }
        }

        return scanner.Finish(out isShared);
    }

    private struct Scanner(bool detectShared)
    {
        private readonly bool _detectShared = detectShared;
        private string? _problem;
        private int _count;
        private int _previous = -1;
        private bool _pendingPlus;
        private bool _hash;
        private int _prefixMatched;
        private int _slashes;
        private int _shareNameLength;
        private int _afterShareName;

        public void Feed(int c)
        {
            if (_problem is not null)
            {
                return;
            }

            if (_hash)
            {
                _problem = "'#' must be the last character of the topic filter";
                return;
            }

            if (_pendingPlus && c != '/')
            {
                _problem = "'+' must occupy a whole topic level";
                return;
            }

            _pendingPlus = false;
            if (c is '+' or '#')
            {
                if (_previous is not -1 and not '/')
                {
                    _problem = $"'{(char)c}' must occupy a whole topic level";
                    return;
                }

                _pendingPlus = c == '+';
                _hash = c == '#';
            }

            TrackShared(c);
            if (c == '/')
            {
                _slashes++;
            }

            _previous = c;
            _count++;
        }

        public readonly string? Finish(out bool isShared)
        {
            isShared = _prefixMatched == SharePrefix.Length;
            if (_problem is not null)
            {
                return _problem;
            }

            if (_count == 0)
            {
                return "a topic filter must be at least one character long";
            }

            if (isShared)
            {
                if (_shareNameLength == 0)
                {
                    return "the ShareName of a shared subscription must be at least one character long";
                }

                if (_slashes < 2 || _afterShareName == 0)
                {
                    return "the ShareName of a shared subscription must be followed by '/' and a topic filter";
                }
            }

            return null;
        }

        private void TrackShared(int c)
        {
            if (_count < SharePrefix.Length)
            {
                if (_detectShared && _prefixMatched == _count && c == SharePrefix[_count])
                {
                    _prefixMatched++;
                }
            }
            else if (_prefixMatched == SharePrefix.Length)
            {
                // _slashes counts the '/' before c; the prefix holds the first.
                if (_slashes >= 2)
                {
                    _afterShareName++;
                }
                else if (c != '/')
                {
                    _shareNameLength++;
                    if (c is '+' or '#')
                    {
                        _problem = "the ShareName of a shared subscription must not contain '+' or '#'";
                    }
                }
            }
        }
    }
}
