using System.Net;
using P2P.Dht.Network;

namespace P2P.Dht.Simulation;

/// <summary>
/// The adversarial nodes of a simulation, acting together: each answers FIND_NODE and GET_PROVIDERS with
/// colluders (or forgeries) instead of honest contacts, never returns a true provider (phantoms at most), and acknowledges
/// ADD_PROVIDER and PUT_VALUE without storing anything (but remember values to replay them, stale). They answer pings, so they stay in honest routing tables.
/// </summary>
public sealed class AdversaryCoalition
{
    private readonly List<Contact> _members = [];
    private readonly Random _random;
    /// <summary>The first value any member was sent per key: the stale value the coalition replays.</summary>
    private readonly Dictionary<Key, byte[]> _firstValues = [];

    public AdversaryCoalition(AdversaryMode mode, int k, int seed)
    {
        Mode = mode;
        K = k;
        _random = new Random(seed);
    }

    public AdversaryMode Mode { get; }

    /// <summary>Contacts per answer.</summary>
    public int K { get; }

    public IReadOnlyList<Contact> Members => _members;

    /// <summary>Adds a member and returns the request handler it runs.</summary>
    public IDhtRequestHandler Enlist(Contact member)
    {
        _members.Add(member);
        return new Handler(this);
    }

    /// <summary>The answer to "who is close to <paramref name="target"/>".</summary>
    internal List<Contact> Answer(Key target) => Mode == AdversaryMode.Garbage ? Forge(target) : ClosestMembers(target);

    /// <summary>The providers named for a key: none, or (phantoms) K forged ones.</summary>
    internal List<Contact> Providers(Key target) => Mode == AdversaryMode.Phantoms ? Phantoms() : [];

    /// <summary>The value a member answers GET_VALUE with: a replayed old one, a forged one, or none.</summary>
    internal byte[]? Value(ReadOnlySpan<byte> key) => Mode switch
    {
        AdversaryMode.Stale => _firstValues.GetValueOrDefault(Key.Hash(key)),
        AdversaryMode.Forged => SimValueValidator.Forge(_random),
        _ => null,
    };

    /// <summary>Remembers the first value sent to any member for a key (the coalition shares what it hears).</summary>
    internal void Remember(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _firstValues.TryAdd(Key.Hash(key), value.ToArray());

    /// <summary>K providers with well-formed identities (id = hash of identity) that no node runs.</summary>
    private List<Contact> Phantoms()
    {
        var result = new List<Contact>(K);
        for (var i = 0; i < K; i++)
        {
            var identity = new byte[36];
            _random.NextBytes(identity);
            result.Add(Contact.FromIdentity(identity, new IPEndPoint(new IPAddress([192, 0, 2, (byte)_random.Next(1, 255)]), 4001)));
        }
        return result;
    }

    private List<Contact> ClosestMembers(Key target)
    {
        var ranked = new List<(Key Distance, Contact Contact)>(_members.Count);
        foreach (var m in _members) ranked.Add((m.Id.Xor(target), m));
        ranked.Sort(static (a, b) => a.Distance.CompareTo(b.Distance));
        var count = Math.Min(K, ranked.Count);
        var result = new List<Contact>(count);
        for (var i = 0; i < count; i++) result.Add(ranked[i].Contact);
        return result;
    }

    private List<Contact> Forge(Key target)
    {
        var result = new List<Contact>(K);
        for (var i = 0; i < K; i++)
        {
            // Ids sharing 40+ bits with the target look closer than any honest node of a realistic swarm.
            var id = Key.RandomInBucket(target, 40 + _random.Next(200), _random);
            var address = new IPAddress([192, 0, 2, (byte)_random.Next(1, 255)]);
            result.Add(new Contact(id, ReadOnlyMemory<byte>.Empty, new IPEndPoint(address, 4001)));
        }
        return result;
    }

    private sealed class Handler(AdversaryCoalition coalition) : IDhtRequestHandler
    {
        public bool HandlePing(Contact sender) => true;

        public IReadOnlyList<Contact> HandleFindNode(Contact sender, Key target) => coalition.Answer(target);

        public ProvidersReply HandleGetProviders(Contact sender, ReadOnlyMemory<byte> multihash) =>
            new(coalition.Providers(Key.Hash(multihash.Span)), coalition.Answer(Key.Hash(multihash.Span)));

        public bool HandleAddProvider(Contact sender, ReadOnlyMemory<byte> multihash) => true;

        public ValueReply HandleGetValue(Contact sender, ReadOnlyMemory<byte> key) =>
            new(coalition.Value(key.Span), coalition.Answer(Key.Hash(key.Span)));

        public bool HandlePutValue(Contact sender, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value)
        {
            coalition.Remember(key.Span, value.Span);
            return true;
        }
    }
}
