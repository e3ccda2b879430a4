using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudSignal.Mqtt.Transport;

/// <summary>How an <see cref="MqttUrl"/> reaches the server.</summary>
internal enum MqttUrlScheme
{
    /// <summary>Plain TCP: <c>mqtt://</c> or <c>tcp://</c>, default port 1883.</summary>
    Tcp,

    /// <summary>TLS over TCP: <c>mqtts://</c> or <c>ssl://</c>, default port 8883.</summary>
    Tls,

    /// <summary>WebSocket: <c>ws://</c>, default port 80.</summary>
    WebSocket,

    /// <summary>WebSocket over TLS: <c>wss://</c>, default port 443.</summary>
    SecureWebSocket,
}

/// <summary>
/// A broker address as the CloudSignal docs write it: <c>scheme://host[:port][/path]</c>.
/// </summary>
/// <remarks>
/// Rules, decided here once for every transport:
/// <list type="bullet">
/// <item>Schemes are case-insensitive: <c>mqtt</c>/<c>tcp</c> (1883), <c>mqtts</c>/<c>ssl</c> (8883),
/// <c>ws</c> (80), <c>wss</c> (443). Surrounding white space is ignored.</item>
/// <item><see cref="Host"/> is a DNS name (non-ASCII names become their IDNA ASCII form), an IPv4
/// address, or an IPv6 address written in brackets (<c>mqtt://[::1]:1883</c>; stored without the
/// brackets; a zone may be written <c>%25eth0</c> or <c>%eth0</c>).</item>
/// <item>The WebSocket path comes from the URL. A URL with no path at all gets <c>/mqtt</c>, the
/// path most brokers serve; an explicit <c>/</c> stays <c>/</c>, because some brokers (CloudSignal's
/// own <c>wss://connect.cloudsignal.app:18885/</c>) serve MQTT at the root. A query is kept with the
/// path (<c>ws://h?x=1</c> → <c>/mqtt?x=1</c>).</item>
/// <item>TCP and TLS URLs carry no path: only an empty one or a lone <c>/</c> is accepted, and
/// <see cref="Path"/> is empty.</item>
/// <item>Rejected with an <see cref="ArgumentException"/> whose message lists the accepted forms:
/// null or empty text, a missing or unknown scheme, a missing or malformed host, an unbracketed
/// IPv6 address, a port that is not 1 to 65535, user information (credentials belong in the
/// connect parameters; the message does not echo them), a fragment, and a path or query on a TCP
/// or TLS URL.</item>
/// </list>
/// </remarks>
internal sealed record MqttUrl(MqttUrlScheme Scheme, string Host, int Port, string Path)
{
    /// <summary>The accepted forms, quoted in every parse error.</summary>
    internal const string AcceptedForms =
        "Accepted forms: mqtt://host[:port] or tcp://host[:port] (TCP, default port 1883), "
        + "mqtts://host[:port] or ssl://host[:port] (TLS, default port 8883), "
        + "ws://host[:port][/path] (WebSocket, default port 80) and "
        + "wss://host[:port][/path] (WebSocket over TLS, default port 443); "
        + "the WebSocket path is /mqtt when the URL has none; "
        + "an IPv6 address goes in brackets, as in mqtt://[::1]:1883.";

    /// <summary>The path given to a WebSocket URL that has none.</summary>
    internal const string DefaultWebSocketPath = "/mqtt";

    /// <summary>True for <c>mqtts://</c>, <c>ssl://</c> and <c>wss://</c>.</summary>
    public bool IsTls => Scheme is MqttUrlScheme.Tls or MqttUrlScheme.SecureWebSocket;

    /// <summary>True for <c>ws://</c> and <c>wss://</c>.</summary>
    public bool IsWebSocket => Scheme is MqttUrlScheme.WebSocket or MqttUrlScheme.SecureWebSocket;

    /// <summary>The host as a URI writes it: IPv6 in brackets with the zone escaped.</summary>
    public string UriHost => FormatUriHost(Host);

    /// <summary>Parses <paramref name="url"/>; see the type remarks for the rules.</summary>
    /// <param name="url">The text to parse.</param>
    /// <param name="paramName">The parameter name the <see cref="ArgumentException"/> reports.</param>
    /// <exception cref="ArgumentException">The text is not an accepted MQTT URL.</exception>
    public static MqttUrl Parse(string? url, string? paramName = null)
    {
        paramName ??= nameof(url);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw Invalid(url, "it is empty", paramName);
        }

        string text = url.Trim();
        int separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw Invalid(text, "it has no scheme", paramName);
        }

        string schemeText = text[..separator];
        MqttUrlScheme scheme = ParseScheme(schemeText)
            ?? throw Invalid(text, $"the scheme '{schemeText}' is not supported", paramName);

        string rest = text[(separator + 3)..];
        int authorityEnd = rest.AsSpan().IndexOfAny('/', '?', '#');
        string authority = authorityEnd < 0 ? rest : rest[..authorityEnd];
        string tail = authorityEnd < 0 ? string.Empty : rest[authorityEnd..];

        if (authority.Contains('@', StringComparison.Ordinal))
        {
            throw Invalid(text, "it contains user information; pass the user name and password in the connect parameters instead", paramName);
        }

        (string host, string? portText) = SplitAuthority(text, authority, paramName);
        int port = portText is null ? DefaultPort(scheme) : ParsePort(text, portText, paramName);
        string path = ParseTail(text, scheme, tail, paramName);
        return new MqttUrl(scheme, host, port, path);
    }

    /// <summary>The canonical form, e.g. <c>mqtts://broker:8883</c> or <c>wss://[::1]:443/mqtt</c>.</summary>
    public override string ToString() => $"{SchemeName(Scheme)}://{UriHost}:{Port.ToString(CultureInfo.InvariantCulture)}{Path}";

    /// <summary>The WebSocket URI to request; <paramref name="host"/> replaces <see cref="Host"/> when given.</summary>
    public Uri ToWebSocketUri(string? host = null)
    {
        string scheme = Scheme == MqttUrlScheme.SecureWebSocket ? "wss" : "ws";
        string uriHost = host is null ? UriHost : FormatUriHost(host);
        return new Uri($"{scheme}://{uriHost}:{Port.ToString(CultureInfo.InvariantCulture)}{Path}", UriKind.Absolute);
    }

    internal static string SchemeName(MqttUrlScheme scheme) => scheme switch
    {
        MqttUrlScheme.Tcp => "mqtt",
        MqttUrlScheme.Tls => "mqtts",
        MqttUrlScheme.WebSocket => "ws",
        _ => "wss",
    };

    private static MqttUrlScheme? ParseScheme(string scheme) => scheme.ToUpperInvariant() switch
    {
        "MQTT" or "TCP" => MqttUrlScheme.Tcp,
        "MQTTS" or "SSL" => MqttUrlScheme.Tls,
        "WS" => MqttUrlScheme.WebSocket,
        "WSS" => MqttUrlScheme.SecureWebSocket,
        _ => null,
    };

    private static int DefaultPort(MqttUrlScheme scheme) => scheme switch
    {
        MqttUrlScheme.Tcp => 1883,
        MqttUrlScheme.Tls => 8883,
        MqttUrlScheme.WebSocket => 80,
        _ => 443,
    };

    private static (string Host, string? Port) SplitAuthority(string text, string authority, string paramName)
    {
        if (authority.Length == 0)
        {
            throw Invalid(text, "it has no host", paramName);
        }

        if (authority[0] == '[')
        {
            int close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Invalid(text, "the IPv6 address has no closing ']'", paramName);
            }

            // RFC 6874 writes a zone as "%25zone" inside a URI; accept the bare "%zone" too.
            string literal = authority[1..close].Replace("%25", "%", StringComparison.Ordinal);
            if (!IPAddress.TryParse(literal, out IPAddress? address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw Invalid(text, $"'{authority[..(close + 1)]}' is not an IPv6 address", paramName);
            }

            string after = authority[(close + 1)..];
            if (after.Length > 0 && after[0] != ':')
            {
                throw Invalid(text, $"'{after}' follows the IPv6 address where a ':port' or nothing belongs", paramName);
            }

            return (literal, after.Length == 0 ? null : after[1..]);
        }

        int colon = authority.LastIndexOf(':');
        if (colon != authority.IndexOf(':', StringComparison.Ordinal))
        {
            throw Invalid(text, "an IPv6 address must be written in brackets", paramName);
        }

        string host = colon < 0 ? authority : authority[..colon];
        if (host.Length == 0)
        {
            throw Invalid(text, "it has no host", paramName);
        }

        UriHostNameType kind = Uri.CheckHostName(host);
        if (kind is not (UriHostNameType.Dns or UriHostNameType.IPv4))
        {
            throw Invalid(text, $"'{host}' is not a valid host name", paramName);
        }

        if (!Ascii.IsValid(host))
        {
            host = new IdnMapping().GetAscii(host);
        }

        return (host, colon < 0 ? null : authority[(colon + 1)..]);
    }

    private static int ParsePort(string text, string portText, string paramName)
    {
        if (portText.Length is 0 or > 5
            || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port is < 1 or > 65535)
        {
            throw Invalid(text, $"the port '{portText}' is not a number from 1 to 65535", paramName);
        }

        return port;
    }

    private static string ParseTail(string text, MqttUrlScheme scheme, string tail, string paramName)
    {
        if (tail.Contains('#', StringComparison.Ordinal))
        {
            // RFC 6455 §3: a WebSocket URI has no fragment; a TCP address has no use for one.
            throw Invalid(text, "it has a fragment ('#')", paramName);
        }

        if (scheme is MqttUrlScheme.Tcp or MqttUrlScheme.Tls)
        {
            if (tail.Length == 0 || tail == "/")
            {
                return string.Empty;
            }

            throw Invalid(
                text,
                tail.Contains('?', StringComparison.Ordinal)
                    ? "a query ('?') only belongs in a ws:// or wss:// URL"
                    : $"a path ('{tail}') only belongs in a ws:// or wss:// URL",
                paramName);
        }

        foreach (char c in tail)
        {
            if (c <= ' ' || c == '\u007F')
            {
                throw Invalid(text, "the path contains a space or a control character", paramName);
            }
        }

        return tail.Length == 0 || tail[0] == '?' ? DefaultWebSocketPath + tail : tail;
    }

    private static string FormatUriHost(string host) =>
        host.Contains(':', StringComparison.Ordinal)
            ? $"[{host.Replace("%", "%25", StringComparison.Ordinal)}]"
            : host;

    private static ArgumentException Invalid(string? text, string reason, string paramName) =>
        new($"'{Redact(text)}' is not a valid MQTT URL: {reason}. {AcceptedForms}", paramName);

    /// <summary>Hides user information so a password pasted into the URL never reaches a log.</summary>
    private static string? Redact(string? text)
    {
        if (text is null)
        {
            return null;
        }

        int separator = text.IndexOf("://", StringComparison.Ordinal);
        int start = separator < 0 ? 0 : separator + 3;
        int end = text.AsSpan(start).IndexOfAny('/', '?', '#');
        end = end < 0 ? text.Length : start + end;
        if (end <= start)
        {
            return text;
        }

        int at = text.LastIndexOf('@', end - 1, end - start);
        return at < 0 ? text : string.Concat(text.AsSpan(0, start), "***", text.AsSpan(at));
    }
}
