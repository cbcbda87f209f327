using System.Net;
using P2P.Dht;
using P2P.Dht.Network;
using P2P.Node.DhtBinding;
using P2P.Node.Multiformats;
using P2P.Node.Transport;

namespace P2P.Node.Hosting;

/// <summary>Everything <see cref="NetworkHost"/> needs that is not the identity: where to listen, whom to ask first, caps.</summary>
public sealed class NetworkHostOptions
{
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Peers pinged at start; each must name its PeerId (the handshake checks it).</summary>
    public IReadOnlyList<Multiaddr> Bootstrap { get; init; } = [];

    /// <summary>Folder for peers.json; null keeps the routing table in memory only.</summary>
    public string? StateDirectory { get; init; }

    public DhtOptions Dht { get; init; } = new();

    public DhtWireOptions Wire { get; init; } = new();

    public TransportOptions Transport { get; init; } = new();

    /// <summary>How often the routing table is written to peers.json (it is also written at shutdown).</summary>
    public TimeSpan SavePeersInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a node with an empty routing table tries to join again.</summary>
    public TimeSpan RejoinInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Seed of the DHT's random choices (refresh targets); tests pass a fixed one.</summary>
    public int? RandomSeed { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Wraps the handler that answers peers' DHT requests (PING, FIND_NODE, GET_PROVIDERS, ADD_PROVIDER); it is
    /// given the node's own <see cref="DhtNode"/>. Null (the default, and always in production) answers with the
    /// DHT itself. Adversarial tests use it to build hostile nodes that are real peers on the wire but lie.
    /// </summary>
    public Func<IDhtRequestHandler, IDhtRequestHandler>? RequestHandlerDecorator { get; init; }
}
