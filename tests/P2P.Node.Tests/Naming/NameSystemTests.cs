using Microsoft.Extensions.Time.Testing;
using P2P.Node.Errors;
using P2P.Node.Multiformats;
using P2P.Node.Naming;
using P2P.Node.Storage;
using P2P.Node.Tests.Storage;

namespace P2P.Node.Tests.Naming;

/// <summary>
/// Publish and resolve over a shared in-memory routing table that keeps, like the DHT, only valid records and only
/// newer ones: two repos (two nodes) see each other's names, sequences grow, caches last the record's TTL.
/// </summary>
public sealed class NameSystemTests : IAsyncLifetime
{
    private static readonly string Cid1 = Cid.V1(Multicodec.Raw, Multihash.Sha256("one"u8)).ToString();
    private static readonly string Cid2 = Cid.V1(Multicodec.Raw, Multihash.Sha256("two"u8)).ToString();

    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly TableRouting _routing;
    private readonly List<Repo> _repos = [];
    private readonly List<NameSystem> _systems = [];

    public NameSystemTests()
    {
        _routing = new TableRouting(_time);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var system in _systems)
            await system.DisposeAsync();
        foreach (var repo in _repos)
            repo.Dispose();
        _dir.Dispose();
    }

    private (NameSystem Names, KeyStore Keys, Repo Repo) Node(string name, IValueRouting? routing = null, bool offline = false)
    {
        var repo = Repo.Init(_dir.Join(name));
        _repos.Add(repo);
        var keys = KeyStore.Open(repo);
        var names = new NameSystem(keys, new PublishedRecords(repo.RootPath), offline ? null : routing ?? _routing, _time);
        _systems.Add(names);
        return (names, keys, repo);
    }

    [Fact]
    public async Task Publish_ThenResolveOnAnotherNode_ReturnsThePath()
    {
        var (a, _, _) = Node("a");
        var (b, _, _) = Node("b");
        var published = await a.PublishAsync("self", Cid1, TimeSpan.FromHours(48), TimeSpan.FromMinutes(5), default);
        Assert.Equal("/ipfs/" + Cid1, published.Value);
        Assert.StartsWith("k51", published.Name.ToString(), StringComparison.Ordinal);
        Assert.Equal("/ipfs/" + Cid1, await b.ResolveAsync(published.Name.ToString(), recursive: true, noCache: false, default));
        Assert.Equal("/ipfs/" + Cid1 + "/docs/a.txt", await b.ResolveAsync("/ipns/" + published.Name + "/docs/a.txt", true, false, default));
    }

    [Fact]
    public async Task Publish_Again_RaisesTheSequence_AndAnUpdateIsSeenOnceTheCacheExpires()
    {
        var (a, _, _) = Node("a");
        var (b, _, _) = Node("b");
        var first = await a.PublishAsync("self", Cid1, TimeSpan.FromHours(48), TimeSpan.FromMinutes(5), default);
        Assert.Equal("/ipfs/" + Cid1, await b.ResolveAsync(first.Name.ToString(), true, false, default));
        var second = await a.PublishAsync("self", Cid2, TimeSpan.FromHours(48), TimeSpan.FromMinutes(5), default);
        Assert.Equal(first.Sequence + 1, second.Sequence);
        // b's cache holds the first record for its TTL; --nocache and the TTL's end both see the update.
        Assert.Equal("/ipfs/" + Cid1, await b.ResolveAsync(first.Name.ToString(), true, false, default));
        Assert.Equal("/ipfs/" + Cid2, await b.ResolveAsync(first.Name.ToString(), true, noCache: true, default));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("/ipfs/" + Cid2, await b.ResolveAsync(first.Name.ToString(), true, false, default));
    }

    [Fact]
    public async Task Publish_FromAFreshRepoWithTheSameKey_ContinuesTheNetworksSequence()
    {
        var (a, aKeys, _) = Node("a");
        aKeys.Generate("site");
        await a.PublishAsync("site", Cid1, TimeSpan.FromHours(48), TimeSpan.Zero, default);
        var second = await a.PublishAsync("site", Cid2, TimeSpan.FromHours(48), TimeSpan.Zero, default);
        var (c, cKeys, _) = Node("c");
        cKeys.Import("site", aKeys.Export("site"));
        var third = await c.PublishAsync("site", Cid1, TimeSpan.FromHours(48), TimeSpan.Zero, default);
        Assert.Equal(second.Sequence + 1, third.Sequence);
        Assert.Equal("/ipfs/" + Cid1, await a.ResolveAsync(third.Name.ToString(), true, true, default));
    }

    [Fact]
    public async Task Resolve_AfterTheRecordsLifetime_IsNotFound()
    {
        var (a, _, _) = Node("a");
        var (b, _, _) = Node("b");
        var published = await a.PublishAsync("self", Cid1, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1), default);
        _time.Advance(TimeSpan.FromMinutes(11));
        var e = await Assert.ThrowsAsync<P2PException>(() => b.ResolveAsync(published.Name.ToString(), true, false, default));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task Resolve_ANameThatPointsAtAName_FollowsTheChainUnlessNotRecursive()
    {
        var (a, aKeys, _) = Node("a");
        aKeys.Generate("inner");
        var inner = await a.PublishAsync("inner", Cid1, TimeSpan.FromHours(1), TimeSpan.Zero, default);
        var outer = await a.PublishAsync("self", "/ipns/" + inner.Name, TimeSpan.FromHours(1), TimeSpan.Zero, default);
        Assert.Equal("/ipfs/" + Cid1, await a.ResolveAsync(outer.Name.ToString(), recursive: true, noCache: true, default));
        Assert.Equal("/ipns/" + inner.Name, await a.ResolveAsync(outer.Name.ToString(), recursive: false, noCache: true, default));
    }

    [Fact]
    public async Task Publish_BadInput_IsRefusedWithItsKind()
    {
        var (a, _, _) = Node("a");
        var bad = await Assert.ThrowsAsync<P2PException>(() => a.PublishAsync("self", "/ipfs/not-a-cid", TimeSpan.FromHours(1), TimeSpan.Zero, default));
        Assert.Equal(ErrorKind.BadInput, bad.Kind);
        var scheme = await Assert.ThrowsAsync<P2PException>(() => a.PublishAsync("self", "/http/x", TimeSpan.FromHours(1), TimeSpan.Zero, default));
        Assert.Equal(ErrorKind.BadInput, scheme.Kind);
        var key = await Assert.ThrowsAsync<P2PException>(() => a.PublishAsync("nosuchkey", Cid1, TimeSpan.FromHours(1), TimeSpan.Zero, default));
        Assert.Equal(ErrorKind.NotFound, key.Kind);
        Assert.Empty(_routing.Keys);
    }

    [Fact]
    public async Task Offline_PublishKeepsTheRecordInTheRepo_AndResolvesItsOwnName()
    {
        var (a, _, repo) = Node("a", offline: true);
        var published = await a.PublishAsync("self", Cid1, TimeSpan.FromHours(1), TimeSpan.Zero, default);
        Assert.Empty(_routing.Keys);
        Assert.Equal(0, published.Stored);
        Assert.Equal("/ipfs/" + Cid1, await a.ResolveAsync(published.Name.ToString(), true, false, default));
        Assert.NotNull(new PublishedRecords(repo.RootPath).Get(published.Name));
        var (b, _, _) = Node("b");
        var e = await Assert.ThrowsAsync<P2PException>(() => b.ResolveAsync(published.Name.ToString(), true, false, default));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public async Task Republish_SignsEveryPublishedNameAgain_WithTheNextSequenceAndANewLifetime()
    {
        var (a, aKeys, repo) = Node("a");
        aKeys.Generate("other");
        var self = await a.PublishAsync("self", Cid1, TimeSpan.FromHours(1), TimeSpan.Zero, default);
        var other = await a.PublishAsync("other", Cid2, TimeSpan.FromHours(1), TimeSpan.Zero, default);
        _time.Advance(TimeSpan.FromMinutes(50));
        await a.RepublishAllAsync(TimeSpan.FromHours(48), default);
        Assert.Equal(2, a.Republished);
        var records = new PublishedRecords(repo.RootPath);
        Assert.Equal(self.Sequence + 1, records.Get(self.Name)!.Sequence);
        Assert.Equal(other.Sequence + 1, records.Get(other.Name)!.Sequence);
        // The first lifetime (1 h) has passed; the republished records still resolve elsewhere.
        _time.Advance(TimeSpan.FromMinutes(20));
        var (b, _, _) = Node("b");
        Assert.Equal("/ipfs/" + Cid2, await b.ResolveAsync(other.Name.ToString(), true, false, default));
    }

    [Fact]
    public async Task Resolve_WhenTheNetworkHoldsAForgedNewerRecord_KeepsTheValidOne()
    {
        var (a, _, _) = Node("a");
        var (b, _, _) = Node("b");
        var published = await a.PublishAsync("self", Cid1, TimeSpan.FromHours(1), TimeSpan.Zero, default);
        // A record for a's name signed by another key, with a higher sequence: a liar's answer.
        using var liar = P2P.Node.Security.NodeIdentity.Generate();
        var forged = IpnsRecord.Create(liar, "/ipfs/" + Cid2, published.Sequence + 5, _time.GetUtcNow().AddHours(1), TimeSpan.Zero);
        _routing.Liar = (published.Name.RoutingKey, forged);
        Assert.Equal("/ipfs/" + Cid1, await a.ResolveAsync(published.Name.ToString(), true, true, default));
        await Assert.ThrowsAsync<P2PException>(() => b.ResolveAsync(published.Name.ToString(), true, true, default));
    }

    /// <summary>Routing as the DHT behaves: valid records only, never replaced by an older one.</summary>
    private sealed class TableRouting(TimeProvider time) : IValueRouting
    {
        private readonly Dictionary<string, byte[]> _table = [];
        private readonly IpnsDhtValidator _validator = new(time);

        public IEnumerable<string> Keys => _table.Keys;

        /// <summary>When set, a get of this key answers these bytes (a lying node).</summary>
        public (byte[] Key, byte[] Value)? Liar { get; set; }

        public Task<int> PutAsync(byte[] key, byte[] value, CancellationToken ct)
        {
            if (!_validator.Validate(key, value, out var reason))
                throw new P2PException(ErrorKind.Conflict, reason);
            var id = Convert.ToBase64String(key);
            if (_table.TryGetValue(id, out var held) && _validator.Compare(key, value, held) < 0)
                throw new P2PException(ErrorKind.Conflict, "can't replace a newer value with an older value");
            _table[id] = value;
            return Task.FromResult(1);
        }

        public Task<byte[]?> GetAsync(byte[] key, CancellationToken ct)
        {
            if (Liar is { } liar && liar.Key.AsSpan().SequenceEqual(key))
                return Task.FromResult<byte[]?>(liar.Value);
            return Task.FromResult(_table.TryGetValue(Convert.ToBase64String(key), out var value) && _validator.Validate(key, value, out _) ? value : null);
        }
    }
}
