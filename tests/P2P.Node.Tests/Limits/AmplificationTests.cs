using P2P.Node.Tests.Transport;
using P2P.Node.Transport;
using Xunit.Abstractions;

namespace P2P.Node.Tests.Limits;

public sealed class AmplificationTests(ITestOutputHelper output) : TransportTestBase(TimeSpan.FromSeconds(60))
{
    /// <summary>The budget docs/TRANSPORT.md states: QUIC's rule (RFC 9000 section 8.1), three times what was received.</summary>
    private const double Budget = 3.0;

    [Fact]
    public async Task Handshake_HonestPeerIsSentLessThanThreeTimesWhatItSentBeforeItIsVerified()
    {
        var server = Create();
        var client = Create();
        // LiteNetLib gives up a connect after 10 requests 20 ms apart; on a loaded machine the relay's extra hop can
        // miss that window, so a failed connect is retried through a fresh relay (fresh counters).
        for (var attempt = 1; ; attempt++)
        {
            using var relay = new CountingRelay(server.LocalEndPoint);
            var verified = new TaskCompletionSource<(long Received, long Sent)>(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnConnected(object? sender, SecurePeerEventArgs e) => verified.TrySetResult(relay.Snapshot());
            server.PeerConnected += OnConnected;
            try
            {
                var result = await client.ConnectAsync(relay.EndPoint, server.LocalPeerId, Ct);
                if (!result.Succeeded && attempt < 3)
                    continue;
                Assert.True(result.Succeeded, result.Error);
                var (received, sent) = await verified.Task.WaitAsync(Ct);
                output.WriteLine($"honest handshake: server received {received} B, sent {sent} B before the finish verified ({(double)sent / received:0.00}x)");
                Assert.InRange(sent, 1, Budget * received);
                return;
            }
            finally
            {
                server.PeerConnected -= OnConnected;
            }
        }
    }

    [Fact]
    public async Task Handshake_SpoofedSourceIsSentLessThanThreeTimesWhatCameFromIt()
    {
        // The relay's address stands for a victim whose address an attacker forged: the server's connection accept
        // reaches the attacker (a blind attacker guesses it), nothing after it does, so the reply is never answered.
        var server = Create(new TransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(30) });
        using var relay = new CountingRelay(server.LocalEndPoint) { ForwardToClient = n => n == 0 };
        var client = Create(new TransportOptions { HandshakeTimeout = TimeSpan.FromSeconds(3) });

        var result = await client.ConnectAsync(relay.EndPoint, server.LocalPeerId, Ct);
        Assert.False(result.Succeeded);
        var (received, sent) = relay.Snapshot();
        output.WriteLine($"spoofed source: server received {received} B, sent {sent} B in {relay.PacketsToClient} packets ({(double)sent / received:0.00}x)");

        Assert.InRange(sent, 1, Budget * received);
    }
}
