using Microsoft.Extensions.Time.Testing;
using P2P.Node.Tests.Transport;
using P2P.Node.Transport;

namespace P2P.Node.Tests.Limits;

/// <summary>The transport's admission caps: peers, half-open handshakes; each refusal counted by reason.</summary>
public sealed class TransportCapTests() : TransportTestBase(TimeSpan.FromSeconds(60))
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ConnectAsync_MaxPeersPlusKAttemptsAdmitExactlyMaxPeers()
    {
        const int maxPeers = 4;
        const int extra = 3;
        // Generous handshake timeouts: on a loaded machine seven concurrent handshakes must not time out.
        var server = Create(new TransportOptions { MaxPeers = maxPeers, HandshakeTimeout = Slow });
        var clients = Enumerable.Range(0, maxPeers + extra).Select(_ => Create(new TransportOptions { HandshakeTimeout = Slow })).ToList();
        var accepted = 0;
        var allAccepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PeerConnected += (_, _) =>
        {
            if (Interlocked.Increment(ref accepted) == maxPeers)
                allAccepted.TrySetResult();
        };

        var results = await Task.WhenAll(clients.Select(c => c.ConnectAsync(server.LocalEndPoint, server.LocalPeerId, Ct)));

        var admitted = results.Count(r => r.Succeeded);
        Assert.True(admitted <= maxPeers, string.Join(" / ", results.Select(r => r.ToString())));
        Assert.True(admitted >= 1, string.Join(" / ", results.Select(r => r.ToString())));
        // On a loaded machine a client of the burst can lose its connect to LiteNetLib's own attempt limit before the
        // server answers; a slot it would have taken stays free. The failed clients try again one at a time until
        // the server is full: the cap, not the load, must be what refuses the rest.
        var failed = clients.Where((_, i) => !results[i].Succeeded).ToList();
        foreach (var client in failed)
        {
            if (admitted == maxPeers) break;
            if ((await client.ConnectAsync(server.LocalEndPoint, server.LocalPeerId, Ct)).Succeeded) admitted++;
        }
        Assert.Equal(maxPeers, admitted);
        // The server finishes a handshake when the client's last message arrives, just after the client does.
        await allAccepted.Task.WaitAsync(Ct);
        Assert.Equal(maxPeers, server.Peers.Count);

        // Full: one more peer is refused, and the refusal is counted.
        var refusalsBefore = server.GetDropCount(DropReason.TooManyPeers);
        var late = Create(new TransportOptions { HandshakeTimeout = Slow });
        var refused = await late.ConnectAsync(server.LocalEndPoint, server.LocalPeerId, Ct);
        Assert.False(refused.Succeeded);
        Assert.True(server.GetDropCount(DropReason.TooManyPeers) > refusalsBefore, "the late peer's refusal was not counted");
        Assert.Equal(maxPeers, server.Peers.Count);
    }

    [Fact]
    public async Task OnConnectionRequest_HalfOpenConnectionsStopAtMaxPendingHandshakesUntilTheyTimeOut()
    {
        const int maxPending = 3;
        var time = new FakeTimeProvider();
        var server = Create(new TransportOptions { MaxPendingHandshakes = maxPending }, time);
        using var silent = new SilentClients();

        silent.Connect(server.LocalEndPoint, maxPending + 2);
        await silent.AllSettled.Task.WaitAsync(Ct);

        Assert.Equal(maxPending, silent.Connected);
        Assert.Equal(2, silent.Refused);
        Assert.True(server.GetDropCount(DropReason.TooManyPendingHandshakes) >= 2);
        Assert.Empty(server.Peers);

        // While the half-open slots are held, an honest peer is refused too.
        var honest = Create(new TransportOptions { HandshakeTimeout = Slow });
        var refused = await honest.ConnectAsync(server.LocalEndPoint, server.LocalPeerId, Ct);
        Assert.False(refused.Succeeded);

        // The handshake timeout frees them; the honest peer then gets in.
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(maxPending, server.GetDropCount(DropReason.HandshakeTimeout));
        var accepted = new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PeerConnected += (_, e) => accepted.TrySetResult(e.Peer);
        var admitted = await honest.ConnectAsync(server.LocalEndPoint, server.LocalPeerId, Ct);
        Assert.True(admitted.Succeeded, admitted.Error);
        Assert.Equal(honest.LocalPeerId, (await accepted.Task.WaitAsync(Ct)).PeerId);
        Assert.Single(server.Peers);
    }
}
