using P2P.Fuzz.Engine;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Targets;

/// <summary>Multiaddr.TryParse (multiaddrs from config and the command line): accepted addresses print and parse back equal.</summary>
public sealed class MultiaddrTarget : IFuzzTarget
{
    public string Name => "peer-address";

    public int MaxInputLength => 300;

    public IReadOnlyList<byte[]> Dictionary { get; } =
        FuzzText.Tokens("/ip4/", "/ip6/", "/udp/", "/p2p/", "/tcp/", "127.0.0.1", "::1", "::ffff:1.2.3.4", "fe80::1%eth0", "65535", "65536", "-1", "0", "/", "12D3KooW");

    public string Execute(ReadOnlySpan<byte> input)
    {
        var text = FuzzText.Decode(input);
        if (!Multiaddr.TryParse(text, out var address, out var error))
        {
            if (string.IsNullOrEmpty(error))
                throw new FuzzInvariantException("Multiaddr.TryParse failed without an error");
            return "rejected: " + error;
        }
        var printed = address!.ToString();
        if (!Multiaddr.TryParse(printed, out var again, out var againError))
            throw new FuzzInvariantException($"'{printed}' (from '{text}') does not parse back: {againError}");
        if (!again!.EndPoint.Equals(address.EndPoint) || again.PeerId != address.PeerId)
            throw new FuzzInvariantException($"'{printed}' parses to {again}, not {address}");
        return $"ok {address.EndPoint.AddressFamily} {(address.PeerId is null ? "bare" : "p2p")}";
    }

    public IEnumerable<byte[]> Seeds() =>
    [
        FuzzText.Bytes("/ip4/127.0.0.1/udp/4001"),
        FuzzText.Bytes($"/ip4/10.1.2.3/udp/65535/p2p/{Samples.Peer}"),
        FuzzText.Bytes($"/ip6/::1/udp/1/p2p/{Samples.Peer.ToCidString()}"),
    ];
}
