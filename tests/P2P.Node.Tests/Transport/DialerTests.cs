using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

/// <summary>The one dialer (DHT, exchange and swarm connect) over real loopback transports.</summary>
public sealed class DialerTests() : TransportTestBase(TimeSpan.FromSeconds(20))
{
    [Fact]
    public async Task DialAsync_ConnectsAndRemembersThePeer()
    {
        var a = Create();
        var b = Create();
        using var dialer = new Dialer(a);
        var result = await dialer.DialAsync(new Multiaddr(b.LocalEndPoint, b.LocalPeerId), Ct);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(b.LocalPeerId, result.Peer!.PeerId);
        Assert.Same(result.Peer, dialer.Find(b.LocalPeerId));
        Assert.Contains(result.Peer, dialer.Connected);
    }

    [Fact]
    public async Task DialAsync_WithoutPeerId_LearnsWhoAnswered()
    {
        var a = Create();
        var b = Create();
        using var dialer = new Dialer(a);
        var result = await dialer.DialAsync(new Multiaddr(b.LocalEndPoint, null), Ct);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(b.LocalPeerId, result.Peer!.PeerId);
    }

    [Fact]
    public async Task DialAsync_ConcurrentDialsToOnePeerShareOneAttempt()
    {
        var a = Create();
        var b = Create();
        using var dialer = new Dialer(a);
        var address = new Multiaddr(b.LocalEndPoint, b.LocalPeerId);
        // Without sharing, the transport refuses the second connect ("already in progress").
        var dials = Enumerable.Range(0, 4).Select(_ => dialer.DialAsync(address, Ct)).ToArray();
        var results = await Task.WhenAll(dials);
        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.All(results, r => Assert.Same(results[0].Peer, r.Peer));
    }

    [Fact]
    public async Task DialAsync_WrongPeerIdFailsWithAReason()
    {
        var a = Create();
        var b = Create();
        using var stranger = NodeIdentity.Generate();
        using var dialer = new Dialer(a);
        var result = await dialer.DialAsync(new Multiaddr(b.LocalEndPoint, stranger.PeerId), Ct);
        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Null(dialer.Find(b.LocalPeerId));
        Assert.Null(dialer.Find(stranger.PeerId));
    }

    [Fact]
    public async Task GetOrConnectAsync_ReturnsTheLiveConnectionWithoutDialling()
    {
        var a = Create();
        var b = Create();
        using var dialer = new Dialer(a);
        var first = await dialer.GetOrConnectAsync(b.LocalPeerId, b.LocalEndPoint, Ct);
        Assert.NotNull(first);
        var again = await dialer.GetOrConnectAsync(b.LocalPeerId, b.LocalEndPoint, Ct);
        Assert.Same(first, again);
        Assert.Null(await dialer.GetOrConnectAsync(a.LocalPeerId, a.LocalEndPoint, Ct));
    }

    [Fact]
    public async Task Find_ForgetsAPeerThatDisconnects()
    {
        var a = Create();
        var b = Create();
        using var dialer = new Dialer(a);
        var peer = (await dialer.DialAsync(new Multiaddr(b.LocalEndPoint, b.LocalPeerId), Ct)).Peer!;
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.PeerDisconnected += (_, e) => gone.TrySetResult();
        a.Disconnect(peer);
        await gone.Task.WaitAsync(Ct);
        Assert.Null(dialer.Find(b.LocalPeerId));
        Assert.Empty(dialer.Connected);
    }
}
