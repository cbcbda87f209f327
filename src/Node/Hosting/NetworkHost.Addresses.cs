using System.Net;
using P2P.Node.Hosting.Peers;
using P2P.Node.Multiformats;
using P2P.Node.Transport;

namespace P2P.Node.Hosting;

/// <summary>
/// Where this node can be reached (issue 13, item 1): never an unspecified address. A node bound to 0.0.0.0
/// advertises each IPv4 address of its interfaces that are up (loopback last); then the endpoint a quorum of peers
/// observes, the router's port mapping, and the circuits of relays holding a reservation for it.
/// </summary>
public sealed partial class NetworkHost
{
    /// <summary>This node's first advertised address (an interface address when bound to all of them).</summary>
    public Multiaddr Address => Addresses[0].Address;

    /// <summary>Whether others can dial this node unasked, as dial-back probes last showed.</summary>
    public Reachability Reachability => Transport.Nat.Reachability;

    /// <summary>Every address this node can be reached at, the listen addresses first.</summary>
    public IReadOnlyList<AdvertisedAddress> Addresses
    {
        get
        {
            var list = new List<AdvertisedAddress>();
            void Add(string kind, Multiaddr address)
            {
                if (!list.Exists(a => a.Address == address))
                    list.Add(new AdvertisedAddress(kind, address));
            }
            var bound = Transport.LocalEndPoint;
            foreach (var address in InterfaceAddresses.For(bound.Address))
                Add("listen", new Multiaddr(new IPEndPoint(address, bound.Port), PeerId));
            if (Transport.Nat.ObservedEndPoint is { } observed)
                Add("observed", new Multiaddr(observed, PeerId));
            if (MappedAddress is { } mapped)
                Add("mapped", new Multiaddr(mapped, PeerId));
            foreach (var relay in Transport.Nat.Reservations)
                Add("relay", Multiaddr.Circuit(relay.EndPoint, relay.Relay, PeerId));
            return list;
        }
    }
}
