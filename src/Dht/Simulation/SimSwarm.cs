using System.Buffers.Binary;
using System.Net;

namespace P2P.Dht.Simulation;

/// <summary>
/// N DHT nodes on one <see cref="SimNetwork"/> and <see cref="SimClock"/>: honest nodes run
/// <see cref="DhtNode"/>, adversaries run the <see cref="AdversaryCoalition"/>'s handler. Node ids are
/// SHA-256 of an 8-byte identity (seed, index), as the live node derives ids from PeerIds. Tables are
/// built either by the join protocol (<see cref="JoinAll"/>) or directly (<see cref="BuildIdealTables"/>:
/// every bucket filled with k nodes sampled uniformly from its range, which is what a long-lived network
/// converges to and takes seconds instead of minutes at 100,000 nodes).
/// </summary>
public sealed class SimSwarm
{
    private readonly SimSwarmOptions _options;
    private readonly DhtNode[] _nodes;
    private readonly bool[] _adversary;
    private readonly Random _random;
    /// <summary>Node indexes sorted by id: a prefix range is a contiguous slice.</summary>
    private readonly int[] _byId;
    /// <summary>The ids in <see cref="_byId"/> order, contiguous so that binary searches stay in cache.</summary>
    private readonly Key[] _sortedIds;

    public SimSwarm(SimSwarmOptions options)
    {
        options.Dht.Validate();
        _options = options;
        _random = new Random(options.Seed);
        Clock = new SimClock();
        Network = new SimNetwork(Clock, options.Network, options.Seed ^ 0x5eed);
        Coalition = new AdversaryCoalition(options.AdversaryMode, options.Dht.K, options.Seed ^ 0xbad);
        _nodes = new DhtNode[options.Nodes];
        _adversary = new bool[options.Nodes];
        Span<byte> identity = stackalloc byte[8];
        for (var i = 0; i < options.Nodes; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(identity, options.Seed);
            BinaryPrimitives.WriteInt32BigEndian(identity[4..], i);
            _adversary[i] = _random.NextDouble() < options.AdversaryFraction;
            var contact = Contact.FromIdentity(identity.ToArray(), AddressOf(i, _adversary[i]));
            var index = Network.Add(contact);
            var node = new DhtNode(contact, Network.Endpoint(index), options.Dht, Clock, new Random(options.Seed * 7919 + i));
            _nodes[i] = node;
            Network.SetHandler(index, _adversary[i] ? Coalition.Enlist(contact) : node);
        }
        _byId = [.. Enumerable.Range(0, options.Nodes).OrderBy(i => _nodes[i].Self.Id)];
        _sortedIds = Array.ConvertAll(_byId, i => _nodes[i].Self.Id);
    }

    public SimClock Clock { get; }

    public SimNetwork Network { get; }

    public AdversaryCoalition Coalition { get; }

    public int Count => _nodes.Length;

    public DhtNode Node(int index) => _nodes[index];

    public bool IsAdversary(int index) => _adversary[index];

    public bool IsAlive(int index) => Network.IsAlive(index);

    /// <summary>Fills every node's buckets with up to k nodes drawn uniformly from each bucket's key range.</summary>
    public void BuildIdealTables()
    {
        var k = _options.Dht.K;
        var picked = new List<Contact>(k);
        for (var i = 0; i < _nodes.Length; i++)
        {
            var self = _nodes[i].Self.Id;
            var contacts = new List<Contact>();
            for (var cpl = 0; cpl < Key.Bits; cpl++)
            {
                // Nodes sharing at least cpl bits with self: once only self is left, deeper buckets are empty.
                var (blockLo, blockHi) = Range(self, cpl, flip: false);
                if (blockHi - blockLo <= 1) break;
                var (lo, hi) = Range(self, cpl, flip: true);
                Sample(lo, hi, k, picked);
                contacts.AddRange(picked);
            }
            _nodes[i].Restore(contacts);
        }
    }

    /// <summary>
    /// Builds tables with the join protocol: node 0 starts alone, then nodes 1..<paramref name="count"/>-1
    /// (all by default) join in batches of <paramref name="batch"/> at once, each bootstrapping from one
    /// random node that joined before. Nodes past <paramref name="count"/> stay offline as standbys for churn.
    /// </summary>
    public void JoinAll(int batch = 32, int? count = null)
    {
        var joined = count ?? _nodes.Length;
        for (var i = joined; i < _nodes.Length; i++) Network.SetAlive(i, false);
        for (var start = 1; start < joined; start += batch)
        {
            var end = Math.Min(joined, start + batch);
            var joins = new List<Task<int>>();
            Clock.Run(() =>
            {
                for (var i = start; i < end; i++)
                {
                    var seed = _nodes[_random.Next(start)].Self;
                    if (!_adversary[i]) joins.Add(_nodes[i].BootstrapAsync([seed], CancellationToken.None));
                }
                return Task.WhenAll(joins);
            });
        }
    }

    /// <summary>Brings node <paramref name="index"/> online and joins it through a random live honest node.</summary>
    public Task<int> JoinAsync(int index, Random random)
    {
        var seed = _nodes[RandomLiveHonest(random)].Self;
        Network.SetAlive(index, true);
        return _nodes[index].BootstrapAsync([seed], CancellationToken.None);
    }

    /// <summary>Kills a random <paramref name="fraction"/> of the nodes (never those in <paramref name="spare"/>).</summary>
    public int Kill(double fraction, IReadOnlySet<int>? spare = null)
    {
        var killed = 0;
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (spare?.Contains(i) == true || !Network.IsAlive(i) || _random.NextDouble() >= fraction) continue;
            Network.SetAlive(i, false);
            killed++;
        }
        return killed;
    }

    /// <summary>A random live honest node.</summary>
    public int RandomLiveHonest(Random random)
    {
        while (true)
        {
            var i = random.Next(_nodes.Length);
            if (Network.IsAlive(i) && !_adversary[i]) return i;
        }
    }

    /// <summary>The true <paramref name="count"/> closest live nodes to <paramref name="target"/> (brute force).</summary>
    public HashSet<Key> TrueClosest(Key target, int count, bool honestOnly)
    {
        var best = new PriorityQueue<Key, Key>(count + 1, Comparer<Key>.Create(static (a, b) => b.CompareTo(a)));
        for (var i = 0; i < _nodes.Length; i++)
        {
            if (!Network.IsAlive(i) || (honestOnly && _adversary[i])) continue;
            var id = _nodes[i].Self.Id;
            var distance = id.Xor(target);
            if (best.Count < count) best.Enqueue(id, distance);
            else if (best.TryPeek(out _, out var worst) && distance < worst) best.EnqueueDequeue(id, distance);
        }
        var result = new HashSet<Key>(count);
        while (best.TryDequeue(out var id, out _)) result.Add(id);
        return result;
    }

    private void Sample(int lo, int hi, int k, List<Contact> picked)
    {
        picked.Clear();
        var size = hi - lo;
        if (size <= k)
        {
            for (var j = lo; j < hi; j++) picked.Add(_nodes[_byId[j]].Self);
            return;
        }
        // Floyd's algorithm: k distinct offsets without allocating the range.
        var chosen = new HashSet<int>(k);
        for (var j = size - k; j < size; j++)
        {
            var t = _random.Next(j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }
        foreach (var offset in chosen.Order()) picked.Add(_nodes[_byId[lo + offset]].Self);
    }

    /// <summary>
    /// Slice of <see cref="_byId"/> holding ids whose first <paramref name="cpl"/> bits equal self's and,
    /// with <paramref name="flip"/>, whose bit cpl differs from self's (that is bucket cpl).
    /// </summary>
    private (int Lo, int Hi) Range(Key self, int cpl, bool flip)
    {
        var bytes = self.ToArray();
        var prefixBits = flip ? cpl + 1 : cpl;
        if (flip) bytes[cpl >> 3] ^= (byte)(0x80 >> (cpl & 7));
        var low = (byte[])bytes.Clone();
        var high = bytes;
        for (var bit = prefixBits; bit < Key.Bits; bit++)
        {
            var mask = (byte)(0x80 >> (bit & 7));
            low[bit >> 3] &= (byte)~mask;
            high[bit >> 3] |= mask;
        }
        return (LowerBound(new Key(low)), LowerBound(new Key(high)) + (Contains(new Key(high)) ? 1 : 0));
    }

    private int LowerBound(Key key)
    {
        var i = Array.BinarySearch(_sortedIds, key);
        return i >= 0 ? i : ~i;
    }

    private bool Contains(Key key)
    {
        var i = LowerBound(key);
        return i < _sortedIds.Length && _sortedIds[i] == key;
    }

    /// <summary>Honest nodes get addresses spread over /24s; adversaries share 16 /24s, as a Sybil farm would.</summary>
    private static IPEndPoint AddressOf(int index, bool adversary) => adversary
        ? new IPEndPoint(new IPAddress([172, 16, (byte)(index & 15), (byte)(1 + ((index >> 4) % 254))]), 4001)
        : new IPEndPoint(new IPAddress([10, (byte)(Scatter(index) >> 16), (byte)(Scatter(index) >> 8), (byte)index]), 4001);

    /// <summary>Spreads consecutive indexes over /24s (Knuth's multiplicative hash).</summary>
    private static uint Scatter(int index) => unchecked((uint)index * 2654435761u) >> 8;
}
