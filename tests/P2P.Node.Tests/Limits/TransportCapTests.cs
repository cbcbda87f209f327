using System.Net;
using Microsoft.Extensions.Time.Testing;
using P2P.Node.Security;
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

        Assert.True(results.Count(r => r.Succeeded) == maxPeers, string.Join(" / ", results.Select(r => r.Error)));
        Assert.Equal(extra, results.Count(r => !r.Succeeded));
        // The server finishes a handshake when the client's last message arrives, just after the client does.
        await allAccepted.Task.WaitAsync(Ct);
        Assert.Equal(maxPeers, server.Peers.Count);
        // A refused client may retry its request before it hears the refusal; each attempt is refused and counted.
        Assert.True(server.GetDropCount(DropReason.TooManyPeers) >= extra, $"{server.GetDropCount(DropReason.TooManyPeers)} refusals counted");
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
