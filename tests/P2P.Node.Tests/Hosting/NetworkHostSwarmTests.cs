using P2P.Dht;
using P2P.Node.Hosting;
using P2P.Node.Hosting.Peers;
using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Tests.Hosting;

public sealed class NetworkHostSwarmTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task JoinAsync_TwentyNodesConvergeToFullTables()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        await using var swarm = new TestSwarm();
        await swarm.StartAsync(20, timeout.Token);
        // With k = 20 and 20 nodes every bucket has room, so every node should know all 19 others. Nodes that
        // joined early learn of later ones when those query them (the DHT pings a stranger before adding it);
        // a refresh round lets each node ask the others directly.
        foreach (var node in swarm.Nodes)
            await node.Dht.RunMaintenanceAsync(timeout.Token);
        await WaitUntil(() => swarm.Nodes.All(n => n.Dht.TableCount == 19), TablesOf(swarm.Nodes), timeout.Token,
            () => string.Join(",", swarm.Nodes.Select(n => n.Dht.TableCount)));
        foreach (var node in swarm.Nodes)
        {
            var known = node.Table().SelectMany(b => b.Contacts).Select(c => c.Id).ToHashSet();
            foreach (var other in swarm.Nodes.Where(o => o != node))
                Assert.Contains(other.Dht.Self.Id, known);
        }
    }

    [Fact]
    public async Task FindProvidersAsync_RecordAddedOnOneNodeIsFoundFromEveryOther()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        await using var swarm = new TestSwarm();
        await swarm.StartAsync(20, timeout.Token);
        var provider = swarm.Nodes[7];
        var cid = Cid.V1(Multicodec.Raw, Multihash.Sha256("provided by node 7"u8));
        var published = await provider.ProvideAsync(cid, timeout.Token);
        Assert.True(published.Stored > 0, "the record reached no node");
        foreach (var node in swarm.Nodes.Where(n => n != provider))
        {
            var found = await node.FindProvidersAsync(cid, 1, timeout.Token);
            Assert.Contains(found, c => c.Id == provider.Dht.Self.Id);
        }
    }

    [Fact]
    public async Task Start_RestartedWithSameStateRejoinsWithOldIdentity()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        using var state = new TempFolder();
        await using var swarm = new TestSwarm();
        await swarm.StartAsync(5, timeout.Token);
        using var identity = NodeIdentity.Generate();
        var keyBytes = identity.ExportPrivateKey();
        var first = NodeIdentity.FromPrivateKey(keyBytes);
        var node = swarm.Start(TestSwarm.Options([swarm.Nodes[0].Address], state.Path, seed: 50), first);
        await node.JoinAsync(timeout.Token);
        var oldPeerId = node.PeerId;
        await node.DisposeAsync();
        swarm.Nodes.Remove(node);
        Assert.True(File.Exists(Path.Join(state.Path, PeerTableStore.FileName)));

        // No bootstrap list this time: the saved table alone must bring the node back.
        var again = swarm.Start(TestSwarm.Options(null, state.Path, seed: 51), NodeIdentity.FromPrivateKey(keyBytes));
        var size = await again.JoinAsync(timeout.Token);
        Assert.Equal(oldPeerId, again.PeerId);
        Assert.True(size >= 4, $"rejoined with {size} peers");
        // Peers that knew the old port move the entry to the new one once the node proves itself there.
        var newPort = again.Transport.LocalEndPoint.Port;
        await WaitUntil(() => swarm.Nodes.Take(5).Count(n => n.Table().SelectMany(b => b.Contacts)
            .Any(c => c.Id == again.Dht.Self.Id && c.EndPoint.Port == newPort)) >= 4, TablesOf(swarm.Nodes.Take(5)), timeout.Token);
        var seen = await swarm.Nodes[1].FindPeerAsync(oldPeerId, timeout.Token);
        Assert.NotNull(seen);
        Assert.Equal(again.Transport.LocalEndPoint.Port, seen!.EndPoint.Port);
    }

    private static ChangeSignal[] TablesOf(IEnumerable<NetworkHost> nodes) => nodes.Select(n => n.Dht.TableChanged).ToArray();

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, re-checking it each time one of <paramref name="signals"/>
    /// is pulsed (the state it reads changes on network threads); fails with <paramref name="describe"/> at the deadline.
    /// </summary>
    internal static async Task WaitUntil(Func<bool> condition, IReadOnlyList<ChangeSignal> signals, CancellationToken ct,
        Func<string>? describe = null)
    {
        while (true)
        {
            var changed = Task.WhenAny(signals.Select(s => s.Next()));
            if (condition()) return;
            try
            {
                await changed.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Assert.Fail($"condition not met before the deadline: {describe?.Invoke()}");
            }
        }
    }
}
