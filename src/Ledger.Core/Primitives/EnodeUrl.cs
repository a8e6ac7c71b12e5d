using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ledger.Core.Primitives;

/// <summary>
/// A Besu (devp2p) enode URL as members register it for the nodes allowlist:
/// <c>enode://&lt;node id&gt;@&lt;host&gt;:&lt;port&gt;[?discport=&lt;port&gt;]</c>. The node id is 128 hex digits (the node
/// key's 64-byte public key, no <c>0x</c>); the host an IPv4 address, an IPv6 address in brackets, or a DNS name (which
/// Besu takes only with <c>--Xdns-enabled</c>); ports 0–65535 (0: not listening / no discovery, as Besu reads it). This is
/// Besu's own syntax (<c>EnodeURLImpl.fromString</c>), checked before anything is proposed on chain, so a malformed
/// URL is refused at admission and never reaches the exported allowlist, where Besu would refuse to start.
/// </summary>
public static class EnodeUrl
{
    private const string Scheme = "enode://";
    private const int NodeIdLength = 128;

    /// <summary>The shape in words, for error messages.</summary>
    public const string Shape = "enode://<128 hex digits>@<IPv4, [IPv6] or host name>:<port>[?discport=<port>]";

    /// <summary>True when <paramref name="text"/> is a well-formed enode URL; otherwise <paramref name="problem"/> says what is wrong.</summary>
    public static bool IsValid([NotNullWhen(true)] string? text, [NotNullWhen(false)] out string? problem)
    {
        problem = Check(text);
        return problem is null;
    }

    /// <summary>True when <paramref name="text"/> is a well-formed enode URL.</summary>
    public static bool IsValid([NotNullWhen(true)] string? text) => Check(text) is null;

    private static string? Check(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "it is empty";
        }
        if (text.Length > 512)
        {
            return "it is longer than 512 characters";
        }
        if (!text.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return "it does not start with enode://";
        }
        var rest = text.AsSpan(Scheme.Length);
        var at = rest.IndexOf('@');
        if (at < 0)
        {
            return "it has no '@' between the node id and the host";
        }
        var nodeId = rest[..at];
        if (nodeId.Length != NodeIdLength || !IsHex(nodeId))
        {
            return nodeId.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? "the node id has a 0x prefix; write the 128 hex digits alone"
                : string.Create(CultureInfo.InvariantCulture, $"the node id must be exactly 128 hex digits (it is {nodeId.Length} characters{(IsHex(nodeId) ? "" : ", not all hex")})");
        }
        var address = rest[(at + 1)..];
        ReadOnlySpan<char> query = default;
        var question = address.IndexOf('?');
        if (question >= 0)
        {
            query = address[(question + 1)..];
            address = address[..question];
        }
        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port;
        if (address.Length > 0 && address[0] == '[')
        {
            var close = address.IndexOf(']');
            if (close < 0 || close + 1 >= address.Length || address[close + 1] != ':')
            {
                return "an IPv6 host must be written [address]:port";
            }
            host = address[1..close];
            port = address[(close + 2)..];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6 || host.Contains('%'))
            {
                return $"'{host}' is not an IPv6 address";
            }
        }
        else
        {
            var colon = address.LastIndexOf(':');
            if (colon < 0)
            {
                return "it has no port (host:port)";
            }
            host = address[..colon];
            port = address[(colon + 1)..];
            if (host.IsEmpty)
            {
                return "the host is empty";
            }
            if (host.Contains(':'))
            {
                return "an IPv6 host must be in brackets ([address]:port)";
            }
            if (!IsIPv4(host) && !IsHostName(host))
            {
                return $"'{host}' is neither an IPv4 address nor a host name";
            }
        }
        if (!IsPort(port))
        {
            return $"the port '{port}' is not a number from 0 to 65535";
        }
        if (question >= 0)
        {
            const string discport = "discport=";
            if (!query.StartsWith(discport, StringComparison.Ordinal) || !IsPort(query[discport.Length..]))
            {
                return $"the query '{query}' is not discport=<0 to 65535>";
            }
        }
        return null;
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var ch in text)
        {
            if (!char.IsAsciiHexDigit(ch))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsPort(ReadOnlySpan<char> text) =>
        text.Length is > 0 and <= 5 && IsDigits(text) && int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) <= 65535;

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var ch in text)
        {
            if (!char.IsAsciiDigit(ch))
            {
                return false;
            }
        }
        return true;
    }

    // Dotted quad only: IPAddress.TryParse would also take "1", "1.2" and octal or hex parts, which Besu does not.
    private static bool IsIPv4(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4 || part.Length is 0 or > 3 || !IsDigits(part) || (part.Length > 1 && part[0] == '0')
                || int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }
        return parts == 4;
    }

    // RFC 1123: dot-separated labels of letters, digits and inner hyphens, 1–63 characters each, 253 in all, not all digits.
    private static bool IsHostName(ReadOnlySpan<char> text)
    {
        if (text.Length > 253 || IsDigits(text.ToString().Replace(".", "", StringComparison.Ordinal)))
        {
            return false;
        }
        foreach (var range in text.Split('.'))
        {
            var label = text[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
            foreach (var ch in label)
            {
                if (!char.IsAsciiLetterOrDigit(ch) && ch != '-')
                {
                    return false;
                }
            }
        }
        return true;
    }
}
