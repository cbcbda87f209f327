using System.Net;
using P2P.Node.Exchange;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Storage;
using P2P.Node.Transport;

namespace P2P.Node.Tests.Exchange;

/// <summary>A node for exchange tests: a real transport on 127.0.0.1, a store, and an exchange reading the transport.</summary>
internal sealed class ExchangeNode : IAsyncDisposable
{
    private readonly NodeIdentity _identity;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public ExchangeNode(IBlockStore store, IProviderFinder? finder = null, ExchangeOptions? options = null, TimeProvider? time = null,
        TransportOptions? transport = null)
    {
        _identity = NodeIdentity.Generate();
        Store = store;
        Transport = new LiteNetTransport(_identity, transport);
        Transport.Start(new IPEndPoint(IPAddress.Loopback, 0));
        Exchange = new BlockExchange(Transport, store, finder, options, time);
        _pump = Exchange.RunAsync(_stop.Token);
    }

    public IBlockStore Store { get; }

    public LiteNetTransport Transport { get; }

    public BlockExchange Exchange { get; }

    public Multiaddr Address => new(Transport.LocalEndPoint, Transport.LocalPeerId);

    public PeerStatistics? StatsOf(ExchangeNode other) =>
        Exchange.GetPeerStatistics().FirstOrDefault(s => s.PeerId == other.Transport.LocalPeerId);

    /// <summary>Completes when this node's transport sees <paramref name="peer"/> go away (subscribe before causing it).</summary>
    public Task DisconnectedFrom(PeerId peer)
    {
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Transport.PeerDisconnected += (_, e) =>
        {
            if (e.Peer.PeerId == peer)
                gone.TrySetResult();
        };
        return gone.Task;
    }

    /// <summary>
    /// Completes when this node's transport has accepted <paramref name="peer"/> (subscribe before dialling: the
    /// dialler's connect returns before the acceptor has finished the handshake).
    /// </summary>
    public Task ConnectedTo(PeerId peer)
    {
        var here = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Transport.PeerConnected += (_, e) =>
        {
            if (e.Peer.PeerId == peer)
                here.TrySetResult();
        };
        return here.Task;
    }

    /// <summary>Cuts the node off the network (as a killed process would be), keeping its exchange object alive.</summary>
    public ValueTask KillTransportAsync() => Transport.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Transport.DisposeAsync();
        await _pump;
        await Exchange.DisposeAsync();
        _identity.Dispose();
        _stop.Dispose();
    }
}
