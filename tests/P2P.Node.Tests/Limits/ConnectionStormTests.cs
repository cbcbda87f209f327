using System.Diagnostics;
using System.Net;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Tests.Hosting;
using P2P.Node.Transport;
using Xunit.Abstractions;

namespace P2P.Node.Tests.Limits;

/// <summary>
/// Many new peers (distinct identities, each a real handshake over UDP on 127.0.0.1) connect to one node in waves
/// of <see cref="Wave"/> live clients: the node never admits more than its cap, keeps bounded memory, and an
/// honest peer can still join and look something up afterwards. Figures are recorded in docs/RELIABILITY.md.
/// </summary>
[Collection(StormCollection.Name)]
public sealed class ConnectionStormTests(ITestOutputHelper output)
{
    private const int Wave = 100;
    private const int MaxPeers = 50;
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(30);

    /// <summary>Managed heap the node may keep after the storm: generous against a leak of ~1 KiB per refused peer.</summary>
    private const long ManagedBound = 32L << 20;

    /// <summary>Working-set growth allowed over the storm, clients' own sockets and threads included.</summary>
    private const long RssBound = 512L << 20;

    [Fact]
    public Task Storm_HundredPeersStayUnderTheCap() => StormAsync(100, TimeSpan.FromSeconds(60));

    [Fact]
    [Trait("Category", "Long")]
    public Task Storm_ThousandPeersStayUnderTheCap() => StormAsync(1000, TimeSpan.FromSeconds(180));

    private async Task StormAsync(int peers, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var ct = timeout.Token;
        await using var swarm = new TestSwarm();
        var defaults = TestSwarm.Options();
        var victim = swarm.Start(new NetworkHostOptions
        {
            Listen = defaults.Listen, RandomSeed = 1, Dht = defaults.Dht,
            // A real storm comes from many addresses; here all share 127.0.0.1, so the per-address connection rate
            // is lifted to let every attempt reach the peer and handshake caps.
            // Handshake timeouts are generous on both sides: under a loaded CI machine a wave's 100 handshakes must
            // end by admission or refusal, not by timing out.
            Transport = new TransportOptions { MaxPeers = MaxPeers, ConnectionAttemptsPerSecond = 100_000, HandshakeTimeout = Slow },
        });
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var rssBefore = Environment.WorkingSet;
        var peakRss = rssBefore;
        var maxAdmitted = 0;
        var succeeded = 0;
        var failures = new HashSet<string>();
        var clock = Stopwatch.StartNew();

        for (var start = 0; start < peers; start += Wave)
        {
            var count = Math.Min(Wave, peers - start);
            var identities = Enumerable.Range(0, count).Select(_ => NodeIdentity.Generate()).ToList();
            var clients = identities.Select(id => new LiteNetTransport(id, new TransportOptions { BulkTransport = false, HandshakeTimeout = Slow })).ToList();
            try
            {
                foreach (var client in clients)
                    client.Start(new IPEndPoint(IPAddress.Loopback, 0));
                var results = await Task.WhenAll(clients.Select(c => c.ConnectAsync(victim.Transport.LocalEndPoint, victim.PeerId, ct)));
                succeeded += results.Count(r => r.Succeeded);
                failures.UnionWith(results.Where(r => !r.Succeeded).Select(r => r.Error ?? "?").Take(5));
                maxAdmitted = Math.Max(maxAdmitted, victim.Transport.Peers.Count);
                Assert.InRange(victim.Transport.Peers.Count, 0, MaxPeers);
                peakRss = Math.Max(peakRss, Environment.WorkingSet);
            }
            finally
            {
                await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
                foreach (var identity in identities)
                    identity.Dispose();
            }
        }
        var elapsed = clock.Elapsed;

        // An honest peer joins through the victim and runs a lookup.
        var honest = swarm.Start(TestSwarm.Options([victim.Address], seed: 7));
        Assert.True(await honest.JoinAsync(ct) >= 1);
        var lookup = await honest.Dht.FindProvidersAsync(Multihash.Sha256("storm"u8).Bytes.ToArray(), 1, ct);
        Assert.Contains(lookup.Closest, c => c.Id == victim.Dht.Self.Id);

        var managedAfter = GC.GetTotalMemory(forceFullCollection: true);
        var rssAfter = Environment.WorkingSet;
        var refused = victim.Transport.GetDropCount(DropReason.TooManyPeers) + victim.Transport.GetDropCount(DropReason.TooManyPendingHandshakes);
        output.WriteLine($"storm of {peers} peers in {elapsed.TotalSeconds:0.0} s: {succeeded} handshakes completed, at most {maxAdmitted} admitted at once " +
            $"(cap {MaxPeers}), {refused} attempts refused; managed {managedBefore >> 20} -> {managedAfter >> 20} MiB, " +
            $"RSS {rssBefore >> 20} -> peak {peakRss >> 20} -> {rssAfter >> 20} MiB");

        // Liveness, not a count: half-open LiteNetLib connections also count against the peer cap while their
        // handshakes run, so how many of a wave complete depends on scheduling (50 of 100 alone, 30 at load 15, 9
        // once inside the full suite). The honest peer's join above is the check that the node still admits peers.
        Assert.True(succeeded >= 1, $"no handshake completed; failures: {string.Join(" / ", failures)}");
        Assert.True(refused >= peers - succeeded, $"{peers - succeeded} peers failed but only {refused} refusals were counted; failures: {string.Join(" / ", failures)}");
        Assert.InRange(managedAfter - managedBefore, long.MinValue, ManagedBound);
        Assert.InRange(peakRss - rssBefore, long.MinValue, RssBound);
    }
}
