using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// Issue 11 item 6: datagrams replayed or forged with a live peer's own source address (captured connect requests
/// with the connect time bit-flipped, LiteNetLib control packets, raw copies of everything the peer sent) must not
/// reset, disconnect or stall an authenticated session. The relay stands in for the spoofer (see ReplayRelay).
/// </summary>
public sealed class SpoofedReplayTests() : TransportTestBase(TimeSpan.FromSeconds(90))
{
    // LiteNetLib 2.1.5 packet properties (low five bits of the first byte; bits 5-6 are the connection number).
    private const byte Unreliable = 0x00;
    private const byte ConnectRequest = 0x06;
    private const byte ConnectAccept = 0x07;
    private const byte Disconnect = 0x08;
    private const byte PeerNotFound = 0x0F;

    [Fact]
    public async Task SpoofedReplays_FromThePeersAddress_LeaveTheLiveSessionWorking()
    {
        var server = Create();
        var client = Create();
        using var relay = new ReplayRelay(server.LocalEndPoint);
        var serverSide = new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PeerConnected += (_, e) => serverSide.TrySetResult(e.Peer);
        var disconnects = 0;
        server.PeerDisconnected += (_, _) => Interlocked.Increment(ref disconnects);
        client.PeerDisconnected += (_, _) => Interlocked.Increment(ref disconnects);

        var dial = await client.ConnectAsync(relay.EndPoint, server.LocalPeerId, Ct);
        Assert.True(dial.Succeeded, dial.Error);
        var atServer = await serverSide.Task.WaitAsync(Ct);
        var atClient = dial.Peer!;
        await RoundTrip(client, atClient, server, atServer, 0);

        var flood = Flood(relay.Captured, new Random(611));
        Assert.True(flood.Count >= 2000);
        // Ten bursts, each followed by a message round trip on the live session: the transfer goes on throughout.
        var perBurst = flood.Count / 10;
        for (var burst = 0; burst < 10; burst++)
        {
            foreach (var datagram in flood.Skip(burst * perBurst).Take(perBurst))
                relay.Inject(datagram);
            await RoundTrip(client, atClient, server, atServer, burst + 1);
        }

        Assert.Equal(0, Volatile.Read(ref disconnects));
        Assert.True(atServer.IsConnected);
        Assert.True(atClient.IsConnected);
        Assert.Same(atServer, Assert.Single(server.Peers));
        Assert.Same(atClient, Assert.Single(client.Peers));
    }

    [Fact]
    public async Task RestartedPeer_AtTheSameAddress_ReplacesItsSilentOldSession()
    {
        // The guard must not lock out a peer that really restarted: its old session falls silent (no goodbye reached
        // us) and its new connect request from the same address gets through once that is clear.
        var server = Create();
        var old = Create();
        var relay = new ReplayRelay(server.LocalEndPoint);
        var port = relay.EndPoint.Port;
        var gone = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PeerDisconnected += (_, e) => gone.TrySetResult(e.Reason ?? "");
        var oldAtServer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PeerConnected += (_, e) =>
        {
            if (e.Peer.PeerId == old.LocalPeerId)
                oldAtServer.TrySetResult();
        };
        var first = await old.ConnectAsync(relay.EndPoint, server.LocalPeerId, Ct);
        Assert.True(first.Succeeded, first.Error);
        // The accepting side finishes its handshake a moment after the dialler: the server must hold the old session
        // before the old process dies, or there is no old session to replace (and nothing to wait for below).
        await oldAtServer.Task.WaitAsync(Ct);
        relay.Dispose(); // the old process dies: nothing more from it, and its goodbye is lost
        await old.DisposeAsync();

        var restarted = Create();
        var back = new TaskCompletionSource<SecurePeer>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.PeerConnected += (_, e) =>
        {
            if (e.Peer.PeerId == restarted.LocalPeerId)
                back.TrySetResult(e.Peer);
        };
        using var again = new ReplayRelay(server.LocalEndPoint, port);
        // The first request finds the old session still looking alive: the guard drops it and marks that session
        // suspect, and the server closes it once it has stayed silent. A request after that close gets through.
        var result = await restarted.ConnectAsync(again.EndPoint, server.LocalPeerId, Ct);
        if (!result.Succeeded)
        {
            await gone.Task.WaitAsync(Ct);
            result = await restarted.ConnectAsync(again.EndPoint, server.LocalPeerId, Ct);
        }
        Assert.True(result.Succeeded, result.Error);

        Assert.NotNull(await gone.Task.WaitAsync(Ct));
        Assert.Same(await back.Task.WaitAsync(Ct), Assert.Single(server.Peers));
        Assert.True(await restarted.SendAsync(result.Peer!, "back"u8.ToArray(), 0, Ct));
        Assert.Equal("back"u8.ToArray(), (await server.Inbound.ReadAsync(Ct)).Payload);
    }

    /// <summary>client → server on channel 0 (always LiteNetLib), and the server answers on the same session.</summary>
    private async Task RoundTrip(LiteNetTransport client, SecurePeer atClient, LiteNetTransport server, SecurePeer atServer, int n)
    {
        var ping = BitConverter.GetBytes(n);
        Assert.True(await client.SendAsync(atClient, ping, 0, Ct), $"send {n} failed: the session is gone");
        var got = await server.Inbound.ReadAsync(Ct);
        Assert.Equal(ping, got.Payload);
        Assert.True(await server.SendAsync(atServer, got.Payload, 0, Ct), $"answer {n} failed: the session is gone");
        var back = await client.Inbound.ReadAsync(Ct);
        Assert.Equal(ping, back.Payload);
    }

    /// <summary>
    /// What an on-path observer can make from the peer's captured datagrams: the connect request with later connect
    /// times and flipped bits, forged disconnects carrying the captured connect time, connect accepts, "peer not
    /// found" replies, bare 0x00/0x06 packets, and every captured datagram replayed as is. Seeded, so the same
    /// sequence every run.
    /// </summary>
    private static List<byte[]> Flood(IReadOnlyList<byte[]> captured, Random random)
    {
        var request = captured.First(d => (d[0] & 0x1F) == ConnectRequest);
        var connectTime = BitConverter.ToInt64(request, 5);
        var flood = new List<byte[]>();
        for (var i = 0; i < 250; i++)
        {
            // A later connect time is what LiteNetLib takes for the peer reconnecting.
            var later = (byte[])request.Clone();
            BitConverter.GetBytes(connectTime + 1 + i).CopyTo(later, 5);
            flood.Add(later);
            var flipped = (byte[])request.Clone();
            flipped[5 + random.Next(8)] ^= (byte)(1 << random.Next(8));
            flood.Add(flipped);
            var renumbered = (byte[])later.Clone();
            renumbered[0] = (byte)(ConnectRequest | (random.Next(4) << 5));
            flood.Add(renumbered);

            var disconnect = new byte[9 + random.Next(0, 32)];
            disconnect[0] = (byte)(Disconnect | (random.Next(4) << 5));
            BitConverter.GetBytes(connectTime).CopyTo(disconnect, 1);
            random.NextBytes(disconnect.AsSpan(9));
            flood.Add(disconnect);

            var accept = new byte[15];
            random.NextBytes(accept);
            accept[0] = (byte)(ConnectAccept | (random.Next(4) << 5));
            accept[9] = (byte)random.Next(4);
            accept[10] = (byte)random.Next(2);
            flood.Add(accept);

            flood.Add([PeerNotFound]);
            flood.Add([PeerNotFound, 1]);
            flood.Add([(byte)(Unreliable | (random.Next(4) << 5))]);
            flood.Add([(byte)(ConnectRequest | (random.Next(4) << 5))]);
            var noise = new byte[1 + random.Next(1, 200)];
            random.NextBytes(noise);
            noise[0] = (byte)(Unreliable | (random.Next(4) << 5));
            flood.Add(noise);

            flood.Add(captured[random.Next(captured.Count)]);
        }
        return flood;
    }
}
