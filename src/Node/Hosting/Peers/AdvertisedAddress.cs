using P2P.Node.Multiformats;

namespace P2P.Node.Hosting.Peers;

/// <summary>One address this node can be reached at, and how it was learned.</summary>
/// <param name="Kind">listen (an interface address), observed (what a quorum of peers sees), mapped (the router's
/// port mapping) or relay (a circuit through a relay holding a reservation for us).</param>
public sealed record AdvertisedAddress(string Kind, Multiaddr Address);
