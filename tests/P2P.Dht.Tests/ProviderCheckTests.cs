using System.Collections.Concurrent;
using System.Net;
using P2P.Dht.Network;
using P2P.Dht.Simulation;

namespace P2P.Dht.Tests;

/// <summary>
/// Provider lookups check named providers with a ping before counting them (DhtOptions.VerifyProviders): a scripted
/// network where one responder lies and one tells the truth.
/// </summary>
public sealed class ProviderCheckTests
{
    private static readonly byte[] Multihash = [0x12, 0x04, 1, 2, 3, 4];

    [Fact]
    public async Task FindProvidersAsync_PhantomsFirst_ReturnsTheLiveProviderAndPingsOnePhantom()
    {
        var random = new Random(71);
        var net = new ScriptedNetwork();
        var liar = net.Peer(random);
        var honest = net.Peer(random);
        var provider = net.Peer(random);
        var phantoms = Enumerable.Range(0, 20).Select(_ => ScriptedNetwork.Phantom(random)).ToList();
        net.Providers[liar.Id] = phantoms;
        net.Providers[honest.Id] = [provider];

        var result = await NewNode(net, random, liar, honest).FindProvidersAsync(Multihash, 1, CancellationToken.None);

        Assert.Equal([provider.Id], result.Providers.Select(p => p.Id));
        // The liar's first phantom failed its check (a definite no: no second round); its other nineteen were never pinged.
        Assert.True(phantoms.Sum(p => net.PingsTo(p)) <= 1, $"{phantoms.Sum(p => net.PingsTo(p))} phantom pings");
    }

    [Fact]
    public async Task FindProvidersAsync_LiarNamesTheTrueProviderAtAWrongAddress_TheTrueAddressIsStillChecked()
    {
        var random = new Random(72);
        var net = new ScriptedNetwork();
        var liar = net.Peer(random);
        var honest = net.Peer(random);
        var provider = net.Peer(random);
        var misplaced = new Contact(provider.Id, provider.Identity, new IPEndPoint(IPAddress.Loopback, 9));
        net.Providers[liar.Id] = [misplaced];
        net.Providers[honest.Id] = [provider];

        var result = await NewNode(net, random, liar, honest).FindProvidersAsync(Multihash, 1, CancellationToken.None);

        var found = Assert.Single(result.Providers);
        Assert.Equal(provider.EndPoint, found.EndPoint);
    }

    [Fact]
    public async Task FindProvidersAsync_HonestResponderWithManyProviders_AllAreCheckedAndReturned()
    {
        var random = new Random(73);
        var net = new ScriptedNetwork();
        var honest = net.Peer(random);
        var providers = Enumerable.Range(0, 6).Select(_ => net.Peer(random)).ToList();
        net.Providers[honest.Id] = providers;

        var result = await NewNode(net, random, honest).FindProvidersAsync(Multihash, 6, CancellationToken.None);

        Assert.Equal(providers.Select(p => p.Id).Order(), result.Providers.Select(p => p.Id).Order());
        Assert.All(providers, p => Assert.Equal(1, net.PingsTo(p)));
    }

    [Fact]
    public async Task FindProvidersAsync_OnProvider_HearsEachCheckedProviderOnceInResultOrder()
    {
        var random = new Random(75);
        var net = new ScriptedNetwork();
        var liar = net.Peer(random);
        var honest = net.Peer(random);
        var providers = Enumerable.Range(0, 4).Select(_ => net.Peer(random)).ToList();
        net.Providers[liar.Id] = [ScriptedNetwork.Phantom(random), providers[0]];
        net.Providers[honest.Id] = providers;
        var heard = new List<Contact>();

        var result = await NewNode(net, random, liar, honest)
            .FindProvidersAsync(Multihash, 10, CancellationToken.None, p => { lock (heard) heard.Add(p); });

        Assert.Equal(result.Providers.Select(p => p.Id), heard.Select(p => p.Id));
        Assert.Equal(providers.Select(p => p.Id).Order(), heard.Select(p => p.Id).Order());
    }

    [Fact]
    public void FindProvidersAsync_ProviderWhosePingAndRetransmissionAreLost_IsCheckedAgainAndFound()
    {
        // On the simulation clock: the first two pings to the provider vanish (a request and its retransmission,
        // as happens at 20 % loss), which a single round of checking would take for a dead provider.
        var clock = new SimClock();
        var random = new Random(76);
        var net = new ScriptedNetwork();
        var honest = net.Peer(random);
        var provider = net.Peer(random);
        net.Providers[honest.Id] = [provider];
        net.LosePingsTo(provider, 2);
        var node = new DhtNode(net.Peer(random), net, new DhtOptions(), clock, new Random(77));
        node.Restore([honest]);

        var result = clock.Run(() => node.FindProvidersAsync(Multihash, 1, CancellationToken.None));

        Assert.Equal([provider.Id], result.Providers.Select(p => p.Id));
        Assert.Equal(3, net.PingsTo(provider));
    }

    [Fact]
    public async Task FindProvidersAsync_ChecksOff_ReturnsWhatTheFirstResponderNamed()
    {
        var random = new Random(74);
        var net = new ScriptedNetwork();
        var liar = net.Peer(random);
        var phantoms = Enumerable.Range(0, 3).Select(_ => ScriptedNetwork.Phantom(random)).ToList();
        net.Providers[liar.Id] = phantoms;
        var node = NewNode(net, random, new DhtOptions { VerifyProviders = false }, liar);

        var result = await node.FindProvidersAsync(Multihash, 3, CancellationToken.None);

        Assert.Equal(phantoms.Select(p => p.Id), result.Providers.Select(p => p.Id));
        Assert.Equal(0, phantoms.Sum(net.PingsTo));
    }

    private static DhtNode NewNode(ScriptedNetwork net, Random random, params Contact[] table) =>
        NewNode(net, random, new DhtOptions(), table);

    private static DhtNode NewNode(ScriptedNetwork net, Random random, DhtOptions options, params Contact[] table)
    {
        var node = new DhtNode(net.Peer(random), net, options, TimeProvider.System, new Random(random.Next()));
        Assert.Equal(table.Length, node.Restore(table));
        return node;
    }

    /// <summary>
    /// Answers at once from a script: peers it made answer pings, phantoms do not; GET_PROVIDERS returns the
    /// scripted providers and no closer contacts, so the lookup asks exactly the seeded table.
    /// </summary>
    private sealed class ScriptedNetwork : IDhtNetwork
    {
        private readonly HashSet<Key> _live = [];
        private readonly ConcurrentDictionary<(Key, IPEndPoint), int> _pings = new();
        private readonly ConcurrentDictionary<Key, int> _toLose = new();
        private int _port = 20_000;

        public Dictionary<Key, IReadOnlyList<Contact>> Providers { get; } = [];

        public Contact Peer(Random random)
        {
            var contact = Contact.FromIdentity(Identity(random), new IPEndPoint(IPAddress.Loopback, _port++));
            _live.Add(contact.Id);
            return contact;
        }

        public static Contact Phantom(Random random) =>
            Contact.FromIdentity(Identity(random), new IPEndPoint(IPAddress.Loopback, 1));

        public int PingsTo(Contact contact) => _pings.GetValueOrDefault((contact.Id, contact.EndPoint));

        /// <summary>The next <paramref name="count"/> pings to <paramref name="contact"/> get no answer (until their token fires).</summary>
        public void LosePingsTo(Contact contact, int count) => _toLose[contact.Id] = count;

        public Task<bool> PingAsync(Contact to, CancellationToken ct)
        {
            _pings.AddOrUpdate((to.Id, to.EndPoint), 1, static (_, n) => n + 1);
            if (_toLose.TryGetValue(to.Id, out var lose) && lose > 0)
            {
                _toLose[to.Id] = lose - 1;
                var lost = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                ct.Register(() => lost.TrySetResult(false));
                return lost.Task;
            }
            // A live peer answers only at the address it really has.
            return Task.FromResult(_live.Contains(to.Id) && to.EndPoint.Port != 9 && to.EndPoint.Port != 1);
        }

        public Task<IReadOnlyList<Contact>?> FindNodeAsync(Contact to, Key target, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<Contact>?>([]);

        public Task<ProvidersReply?> GetProvidersAsync(Contact to, ReadOnlyMemory<byte> multihash, CancellationToken ct) =>
            Task.FromResult<ProvidersReply?>(new ProvidersReply(Providers.GetValueOrDefault(to.Id, []), []));

        public Task<bool> AddProviderAsync(Contact to, ReadOnlyMemory<byte> multihash, CancellationToken ct) =>
            Task.FromResult(true);

        public Task<ValueReply?> GetValueAsync(Contact to, ReadOnlyMemory<byte> key, CancellationToken ct) =>
            Task.FromResult<ValueReply?>(ValueReply.Empty);

        public Task<bool> PutValueAsync(Contact to, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken ct) =>
            Task.FromResult(false);

        private static byte[] Identity(Random random)
        {
            var identity = new byte[36];
            random.NextBytes(identity);
            return identity;
        }
    }
}
