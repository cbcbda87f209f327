using System.Net;
using P2P.Node.Exchange;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Storage;
using P2P.Node.Tests.Exchange;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Limits;

/// <summary>A peer asking for far more blocks than its share holds at most the serve-queue cap of our work.</summary>
public sealed class ExchangeServeCapTests
{
    private const int Blocks = 10_000;
    private const int Cap = 64;

    [Fact]
    public async Task OnWantBlock_PeerWantingTenThousandBlocksHoldsAtMostTheCap()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = timeout.Token;
        var memory = new MemoryBlockStore();
        var cids = new List<byte[]>(Blocks);
        for (var i = 0; i < Blocks; i++)
        {
            var data = BitConverter.GetBytes(i);
            var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
            memory.Put(cid, data);
            cids.Add(cid.Bytes.ToArray());
        }
        using var store = new GatedBlockStore(memory);
        await using var server = new ExchangeNode(store, options: new ExchangeOptions { MaxServeQueuePerPeer = Cap });
        using var identity = NodeIdentity.Generate();
        await using var greedy = new LiteNetTransport(identity);
        greedy.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var connected = await greedy.ConnectAsync(server.Transport.LocalEndPoint, server.Transport.LocalPeerId, ct);
        Assert.True(connected.Succeeded, connected.Error);
        var link = connected.Peer!;

        for (var i = 0; i < Blocks; i += WireLimits.MaxCidsPerList)
        {
            var batch = cids.GetRange(i, Math.Min(WireLimits.MaxCidsPerList, Blocks - i));
            Assert.True(await greedy.SendAsync(link, WireCodec.Encode(new WantBlockMessage { Cids = batch }), BlockExchange.ControlChannel, ct));
        }
        // The exchange handles a peer's control messages in order: the HAVE answering this comes after every want.
        await AskHaveAsync(greedy, link, cids[0], ct);
        await store.FirstGet.Task.WaitAsync(ct);

        // One block is with the stalled serve loop, at most the cap are queued, the rest were refused and counted.
        var dropped = server.Exchange.Counters.ServeRequestsDropped;
        Assert.InRange(dropped, Blocks - Cap - 1, Blocks - Cap);
        Assert.Equal(1, store.Gets);

        // Released, the server sends exactly what it queued and nothing more.
        store.Open();
        var served = Blocks - dropped;
        for (var received = 0; received < served;)
        {
            var message = await NextAsync(greedy, ct);
            Assert.IsType<BlockMessage>(message);
            received++;
        }
        await AskHaveAsync(greedy, link, cids[1], ct);
        Assert.Equal(served, server.Exchange.Counters.BlocksServed);
    }

    /// <summary>Sends WANT_HAVE for one held block and reads until its HAVE, which must be the next message.</summary>
    private static async Task AskHaveAsync(LiteNetTransport greedy, SecurePeer link, byte[] cid, CancellationToken ct)
    {
        Assert.True(await greedy.SendAsync(link, WireCodec.Encode(new WantHaveMessage { Cids = [cid] }), BlockExchange.ControlChannel, ct));
        var have = Assert.IsType<HaveMessage>(await NextAsync(greedy, ct));
        Assert.Equal(cid, Assert.Single(have.Cids));
    }

    private static async Task<WireMessage> NextAsync(LiteNetTransport transport, CancellationToken ct)
    {
        var raw = await transport.Inbound.ReadAsync(ct);
        Assert.True(WireCodec.TryDecode(raw.Payload, out var message, out var error), error);
        return message!;
    }
}
