using System.Collections.Concurrent;
using System.Net;
using P2P.Node.Exchange;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Storage;
using P2P.Node.Tests.Limits;
using P2P.Node.Transport;
using P2P.Node.Wire;

namespace P2P.Node.Tests.Exchange;

/// <summary>
/// The exchange forgets peers that left (PeerLedger): a churn of throwaway identities leaves at most
/// <see cref="ExchangeOptions.MaxDisconnectedPeers"/> states behind, while a fetch still gets a provider back when
/// it reconnects, a liar stays dropped, and node-wide counters keep every count.
/// </summary>
public sealed class PeerStatePruningTests() : ExchangeTestBase(TimeSpan.FromSeconds(60))
{
    private const int Wave = 50;
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(30);

    private ExchangeNode Node(IBlockStore? store = null, IProviderFinder? finder = null, ExchangeOptions? options = null)
    {
        // A churn comes from many addresses in reality; here every client shares 127.0.0.1, so the per-address
        // connection rate is lifted, and handshakes get time to finish on a loaded machine.
        var transport = new TransportOptions { ConnectionAttemptsPerSecond = 100_000, HandshakeTimeout = Slow };
        return Track(new ExchangeNode(store ?? new MemoryBlockStore(), finder, options, transport: transport));
    }

    /// <summary>
    /// <paramref name="count"/> new identities connect to <paramref name="target"/> in waves, each sends a want-have
    /// and waits for its answer (so the target has made a state for it), then leaves. Returns once the target's
    /// transport has seen every one go (its exchange handles a disconnect before later subscribers hear of it).
    /// A client whose connect fails (LiteNetLib now and then refuses a port a departed client just freed) is
    /// replaced by a new one, so exactly <paramref name="count"/> peers pass through.
    /// </summary>
    private static async Task ChurnAsync(ExchangeNode target, int count, CancellationToken ct)
    {
        var passed = new ConcurrentDictionary<PeerId, bool>();
        var gone = 0;
        var allGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnGone(object? sender, SecurePeerEventArgs e)
        {
            if (passed.ContainsKey(e.Peer.PeerId) && Interlocked.Increment(ref gone) == count)
                allGone.TrySetResult();
        }
        target.Transport.PeerDisconnected += OnGone;
        var want = WireCodec.Encode(new WantHaveMessage
        {
            Cids = [Cid.V1(Multicodec.Raw, Multihash.Sha256("nobody has this"u8)).Bytes.ToArray()],
            SendDontHave = true,
        });
        try
        {
            var failed = new List<string>();
            while (passed.Count < count)
            {
                Assert.True(failed.Count <= count / 10 + 5, $"too many connects failed: {string.Join(" / ", failed.Distinct())}");
                var identities = Enumerable.Range(0, Math.Min(Wave, count - passed.Count)).Select(_ => NodeIdentity.Generate()).ToList();
                var clients = identities.Select(id => new LiteNetTransport(id, new TransportOptions { BulkTransport = false, HandshakeTimeout = Slow })).ToList();
                try
                {
                    foreach (var client in clients)
                        client.Start(new IPEndPoint(IPAddress.Loopback, 0));
                    var links = await Task.WhenAll(clients.Select(c => c.ConnectAsync(target.Transport.LocalEndPoint, target.Transport.LocalPeerId, ct)));
                    failed.AddRange(links.Where(l => !l.Succeeded).Select(l => l.Error ?? "?"));
                    var linked = clients.Zip(identities, links).Where(c => c.Third.Succeeded).ToList();
                    foreach (var (_, identity, _) in linked)
                        passed[identity.PeerId] = true;
                    await Task.WhenAll(linked.Select(async c =>
                    {
                        Assert.True(await c.First.SendAsync(c.Third.Peer!, want, BlockExchange.ControlChannel, ct));
                        var answer = await c.First.Inbound.ReadAsync(ct);
                        Assert.NotNull(WireCodec.TryDecode<DontHaveMessage>(answer.Payload));
                    }));
                }
                finally
                {
                    await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
                    foreach (var identity in identities)
                        identity.Dispose();
                }
            }
            await allGone.Task.WaitAsync(ct);
        }
        finally
        {
            target.Transport.PeerDisconnected -= OnGone;
        }
    }

    private async Task ChurnLeavesAtMostTheBoundAsync(int peers, int bound)
    {
        var node = Node(options: bound == new ExchangeOptions().MaxDisconnectedPeers ? null : new ExchangeOptions { MaxDisconnectedPeers = bound });

        await ChurnAsync(node, peers, Ct);

        // Nothing needed any of them, so exactly the bound is kept: the most recent departures.
        Assert.Equal(bound, node.Exchange.DisconnectedPeerStateCount);
        Assert.Equal(bound, node.Exchange.PeerStateCount);
        var listed = node.Exchange.GetPeerStatistics();
        Assert.Equal(bound, listed.Count);
        Assert.All(listed, p => Assert.False(p.Connected));
        Assert.Empty(node.Transport.Peers);
    }

    [Fact]
    public Task OnPeerDisconnected_TwoHundredThrowawayPeersLeaveAtMostTheBound() => ChurnLeavesAtMostTheBoundAsync(200, 16);

    [Fact]
    [Trait("Category", "Long")]
    public async Task OnPeerDisconnected_TwoThousandThrowawayPeersLeaveAtMostTheDefaultBound()
    {
        ResetDeadline(TimeSpan.FromMinutes(4));
        await ChurnLeavesAtMostTheBoundAsync(2000, new ExchangeOptions().MaxDisconnectedPeers);
    }

    [Fact]
    public async Task Fetch_ProviderLeavesMidFetchAndReconnects_TheSessionPicksItUpAndTheFileIsWhole()
    {
        var shared = new MemoryBlockStore();
        var (root, data, blocks) = await ImportAsync(shared, 2 * 1024 * 1024, "reconnect");
        var seedStore = new SignallingBlockStore(shared, after: 10);
        var seed = Node(seedStore);
        // Forget departed peers at once, and never search again: the only way back to the seed is the session
        // keeping its state through the disconnect, so the reconnect makes it usable again.
        var fetcher = Node(finder: new StaticProviderFinder([seed.Address]), options: new ExchangeOptions
        {
            MaxDisconnectedPeers = 0,
            ProviderSearchInterval = TimeSpan.FromDays(1),
        });
        await using var session = fetcher.Exchange.OpenSession(root);

        var fetch = ExportAsync(session, root);
        await seedStore.Reached.Task.WaitAsync(Ct);
        var left = fetcher.DisconnectedFrom(seed.Transport.LocalPeerId);
        seed.Transport.Disconnect(seed.Transport.Peers.Single(p => p.PeerId == fetcher.Transport.LocalPeerId));
        await left.WaitAsync(Ct);
        Assert.Equal(1, fetcher.Exchange.PeerStateCount);
        Assert.False(fetcher.StatsOf(seed)!.Connected);
        Assert.False(fetch.IsCompleted);

        Assert.True((await seed.Transport.ConnectAsync(fetcher.Transport.LocalEndPoint, fetcher.Transport.LocalPeerId, Ct)).Succeeded);

        Assert.Equal(data, await fetch);
        var stats = fetcher.StatsOf(seed)!;
        Assert.True(stats.Connected);
        // One state throughout: what the seed sent before it left is still counted beside what came after.
        Assert.Equal(blocks, stats.BlocksReceived);
    }

    [Fact]
    public async Task OnPeerConnected_DroppedLiarReconnectsAfterAChurn_StaysDroppedAndIsNeverAskedAgain()
    {
        var shared = new MemoryBlockStore();
        var (root, data, _) = await ImportAsync(shared, 512 * 1024, "liar");
        var (second, secondData, _) = await ImportAsync(shared, 256 * 1024, "liar, again");
        var liar = Node(new CorruptingBlockStore(shared));
        var honest = Node(shared);
        const int Bound = 4;
        var fetcher = Node(finder: new StaticProviderFinder([liar.Address, honest.Address]), options: new ExchangeOptions { MaxDisconnectedPeers = Bound });
        var liarLeft = fetcher.DisconnectedFrom(liar.Transport.LocalPeerId);
        await using (var session = fetcher.Exchange.OpenSession(root))
            Assert.Equal(data, await ExportAsync(session, root));
        await liarLeft.WaitAsync(Ct);
        var corrupt = fetcher.Exchange.Counters.CorruptBlocks;
        Assert.True(corrupt > 0);

        // More throwaway peers leave than the bound holds: they are forgotten before the liar is.
        await ChurnAsync(fetcher, 3 * Bound, Ct);
        Assert.Equal(Bound, fetcher.Exchange.DisconnectedPeerStateCount);
        Assert.True(fetcher.StatsOf(liar)!.Dropped);
        var back = fetcher.ConnectedTo(liar.Transport.LocalPeerId);
        Assert.True((await liar.Transport.ConnectAsync(fetcher.Transport.LocalEndPoint, fetcher.Transport.LocalPeerId, Ct)).Succeeded);
        await back.WaitAsync(Ct);
        var returned = fetcher.StatsOf(liar)!;
        Assert.True(returned.Connected);
        Assert.True(returned.Dropped);
        await using (var session = fetcher.Exchange.OpenSession(second))
            Assert.Equal(secondData, await ExportAsync(session, second));

        var after = fetcher.StatsOf(liar)!;
        Assert.True(after.Dropped);
        Assert.True(after.Connected);
        Assert.Equal(0, after.BlocksReceived);
        Assert.Equal(corrupt, fetcher.Exchange.Counters.CorruptBlocks);
    }

    [Fact]
    public async Task OnPeerDisconnected_StatesForgotten_CountersKeepEveryCount()
    {
        var seed = Node();
        var (root, data, blocks) = await ImportAsync(seed.Store, 1024 * 1024, "counters");
        var fetcher = Node(finder: new StaticProviderFinder([seed.Address]), options: new ExchangeOptions { MaxDisconnectedPeers = 0 });
        await using (var session = fetcher.Exchange.OpenSession(root))
            Assert.Equal(data, await ExportAsync(session, root));
        var fetched = fetcher.Exchange.Counters;
        Assert.Equal(blocks, fetched.BlocksFetched);
        Assert.True(fetched.BytesFetched >= data.Length);
        Assert.Equal(blocks, fetcher.StatsOf(seed)!.BlocksReceived);
        Assert.Equal(1, fetcher.Exchange.PeerStateCount);

        var left = fetcher.DisconnectedFrom(seed.Transport.LocalPeerId);
        fetcher.Transport.Disconnect(fetcher.Transport.Peers.Single(p => p.PeerId == seed.Transport.LocalPeerId));
        await left.WaitAsync(Ct);

        // The seed's state (and its per-peer ledger) is gone; the node-wide totals are not.
        Assert.Equal(0, fetcher.Exchange.PeerStateCount);
        Assert.Empty(fetcher.Exchange.GetPeerStatistics());
        Assert.Equal(fetched, fetcher.Exchange.Counters);
    }

    [Fact]
    public async Task OnServeEnded_PeerLeftWithServeWork_IsKeptUntilTheWorkEnds()
    {
        var memory = new MemoryBlockStore();
        var cids = Enumerable.Range(0, 2).Select(i =>
        {
            var data = BitConverter.GetBytes(i);
            var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256(data));
            memory.Put(cid, data);
            return cid.Bytes.ToArray();
        }).ToList();
        using var store = new GatedBlockStore(memory);
        var server = Node(store, options: new ExchangeOptions { MaxDisconnectedPeers = 0 });
        using var identity = NodeIdentity.Generate();
        var client = new LiteNetTransport(identity, new TransportOptions { BulkTransport = false });
        client.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var link = await client.ConnectAsync(server.Transport.LocalEndPoint, server.Transport.LocalPeerId, Ct);
        Assert.True(link.Succeeded, link.Error);
        Assert.True(await client.SendAsync(link.Peer!, WireCodec.Encode(new WantBlockMessage { Cids = cids }), BlockExchange.ControlChannel, Ct));
        await store.FirstGet.Task.WaitAsync(Ct);

        var left = server.DisconnectedFrom(identity.PeerId);
        await client.DisposeAsync();
        await left.WaitAsync(Ct);

        // The serve worker still holds the state (stalled in the store): it is not forgotten under it.
        Assert.Equal(1, server.Exchange.PeerStateCount);
        Assert.False(server.Exchange.GetPeerStatistics().Single().Connected);

        store.Open();
        while (server.Exchange.PeerStateCount != 0)
        {
            Ct.ThrowIfCancellationRequested();
            await Task.Yield();
        }
        Assert.Equal(0, server.Exchange.DisconnectedPeerStateCount);
    }
}
