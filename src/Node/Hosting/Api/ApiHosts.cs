using System.Net;
using Microsoft.AspNetCore.Http;
using P2P.Node.Storage;

namespace P2P.Node.Hosting.Api;

/// <summary>
/// The Host header values the API answers to. A DNS-rebinding page reaches the API under the attacker's own name
/// (<c>Host: evil.example:5001</c>) and is same-origin with itself, so the Origin check alone cannot stop it; what it
/// cannot do is make the browser send a Host it does not own. Served are: <c>localhost</c>, a loopback address, and
/// the address the connection arrived on, each with the port it arrived on (or no port when that is 80, as browsers
/// omit it); and the names configured in <c>apiAllowedHosts</c> (a reverse proxy's name), as <c>name</c> (any port)
/// or <c>name:port</c>. Addresses must be written canonically: <c>127.1</c> or <c>0x7f.0.0.1</c> are not served.
/// </summary>
public sealed class ApiHosts
{
    /// <summary>Configured entries: a lower-case name without a trailing dot, and the port it must come with (null: any).</summary>
    private readonly List<(string Name, int? Port)> _configured;

    public ApiHosts(IEnumerable<string>? configured = null)
    {
        _configured = [];
        foreach (var entry in configured ?? [])
        {
            if (Parse(entry) is not { } parsed)
                throw new ArgumentException($"'{entry}' is not a host name or host:port", nameof(configured));
            _configured.Add(parsed);
        }
    }

    /// <summary>Whether a request with <paramref name="host"/> that arrived at <paramref name="local"/>:<paramref name="localPort"/> is served.</summary>
    public bool IsServed(HostString host, IPAddress? local, int localPort)
    {
        if (!host.HasValue || Parse(host.Value) is not { } presented)
            return false;
        foreach (var (name, port) in _configured)
        {
            if (name == presented.Name && (port is null || port == presented.Port))
                return true;
        }
        var portServed = presented.Port == localPort || (presented.Port is null && localPort == 80);
        if (!portServed)
            return false;
        if (presented.Name == "localhost")
            return true;
        if (!IPAddress.TryParse(presented.Name.Trim('[', ']'), out var address) || !IsCanonical(presented.Name, address))
            return false;
        return IPAddress.IsLoopback(address) || (local is not null && Normalise(address).Equals(Normalise(local)));
    }

    private static (string Name, int? Port)? Parse(string? text) =>
        HostSyntax.TryParse(text, out var name, out var port) ? (name, port) : null;

    /// <summary>Only the address's usual spelling counts: .NET also reads <c>127.1</c> and hex forms as IPv4.</summary>
    private static bool IsCanonical(string name, IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? name.StartsWith('[')
            : string.Equals(address.ToString(), name, StringComparison.Ordinal);

    /// <summary>A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.</summary>
    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
