using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2P.Dht;
using P2P.Node.DhtBinding;
using P2P.Node.Security;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Tests.DhtBinding;

public sealed class WireDhtNetworkTests : IAsyncLifetime
{
    private readonly NodeIdentity _localId = NodeIdentity.Generate();
    private readonly NodeIdentity _remoteId = NodeIdentity.Generate();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(20));
    private LiteNetTransport _local = null!;
    private LiteNetTransport _remote = null!;

    public Task InitializeAsync()
    {
        _local = new LiteNetTransport(_localId);
        _remote = new LiteNetTransport(_remoteId);
        _local.Start(new IPEndPoint(IPAddress.Loopback, 0));
        _remote.Start(new IPEndPoint(IPAddress.Loopback, 0));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _local.DisposeAsync();
        await _remote.DisposeAsync();
        _localId.Dispose();
        _remoteId.Dispose();
        _timeout.Dispose();
    }

    private Contact RemoteContact => ContactMapper.ToContact(_remoteId.PeerId, _remote.LocalEndPoint);

    [Fact]
    public async Task PingAsync_UnansweredRequestTimesOutOnInjectedClock()
    {
        var time = new FakeTimeProvider();
        using var connector = new Dialer(_local);
        var network = new WireDhtNetwork(_local, connector, new DhtWireOptions { RequestTimeout = TimeSpan.FromSeconds(5) }, time);
        // Nobody reads the remote's inbound queue, so the ping is delivered but never answered.
        var ping = network.PingAsync(RemoteContact, CancellationToken.None);
        await _remote.Inbound.ReadAsync(_timeout.Token);
        Assert.False(ping.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await ping.WaitAsync(_timeout.Token));
        Assert.Equal(0, network.PendingCount);
    }

    [Fact]
    public async Task HandleResponse_AcceptsOnlyMatchingTypeFromThePeerAsked()
    {
        using var connector = new Dialer(_local);
        var network = new WireDhtNetwork(_local, connector);
        var ping = network.PingAsync(RemoteContact, _timeout.Token);
        var request = await _remote.Inbound.ReadAsync(_timeout.Token);
        var id = WireCodec.TryDecode<PingMessage>(request.Payload)!.RequestId;
        var back = request.Peer;

        // A Nodes answer carrying the ping's id is the wrong type; the request keeps waiting.
        await _remote.SendAsync(back, WireCodec.Encode(new NodesMessage { RequestId = id }), 0, _timeout.Token);
        var wrongType = await _local.Inbound.ReadAsync(_timeout.Token);
        Assert.Contains("expects Pong", network.HandleResponse(wrongType, WireCodec.TryDecode<NodesMessage>(wrongType.Payload)!));
        Assert.False(ping.IsCompleted);

        await _remote.SendAsync(back, WireCodec.Encode(new PongMessage { RequestId = id }), 0, _timeout.Token);
        var answer = await _local.Inbound.ReadAsync(_timeout.Token);
        Assert.Null(network.HandleResponse(answer, WireCodec.TryDecode<PongMessage>(answer.Payload)!));
        Assert.True(await ping);

        // The same answer again matches nothing.
        Assert.NotNull(network.HandleResponse(answer, WireCodec.TryDecode<PongMessage>(answer.Payload)!));
    }

    [Fact]
    public async Task FindNodeAsync_ContactClaimingAnotherPeerIdIsNeverReached()
    {
        using var impostor = NodeIdentity.Generate();
        using var connector = new Dialer(_local);
        var network = new WireDhtNetwork(_local, connector);
        // The contact names a PeerId the node at that endpoint cannot prove: the handshake fails, no request goes out.
        var lie = ContactMapper.ToContact(impostor.PeerId, _remote.LocalEndPoint);
        Assert.Null(await network.FindNodeAsync(lie, Key.Zero, _timeout.Token));
        Assert.Empty(connector.Connected);
    }
}
