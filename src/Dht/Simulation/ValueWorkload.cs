using P2P.Dht.Values;

namespace P2P.Dht.Simulation;

/// <summary>
/// The value rows of a simulation run: publish keys (sequence 1, then 2, each from a random honest node, all nodes
/// alive) and resolve each from another random live honest node, recording latency, messages, and whether the
/// newest sequence came back. Adversaries remember the sequence-1 value they were sent (stale mode) or make values
/// up (forged mode). Each resolve's fix-up runs to completion, unmeasured, before the next operation.
/// </summary>
public sealed class ValueWorkload(SimSwarm swarm, SimValueValidator validator, Random random)
{
    private readonly List<(byte[] Key, int Publisher)> _keys = [];

    /// <summary>Milliseconds per publication (both sequences).</summary>
    public List<double> PublishMs { get; } = [];

    /// <summary>Requests per publication: the lookup's and one PUT_VALUE per closest node (retransmissions counted for the lookup).</summary>
    public List<int> PublishMessages { get; } = [];

    /// <summary>Nodes that stored each publication.</summary>
    public List<int> PublishStored { get; } = [];

    public List<double> ResolveMs { get; } = [];

    /// <summary>Requests per resolve (its lookup; 0 when the local copy sufficed).</summary>
    public List<int> ResolveMessages { get; } = [];

    /// <summary>Resolves that returned the newest sequence published.</summary>
    public int Newest { get; private set; }

    /// <summary>Resolves that returned an older sequence.</summary>
    public int Stale { get; private set; }

    /// <summary>Resolves that found nothing.</summary>
    public int Missing { get; private set; }

    /// <summary>Nodes updated by fix-ups after resolves.</summary>
    public int FixedUp { get; private set; }

    /// <summary>Answers whose value failed validation, over all resolves.</summary>
    public int InvalidAnswers { get; private set; }

    public int Resolves => Newest + Stale + Missing;

    /// <summary>A fresh key: <c>/sim/</c> and 16 random bytes.</summary>
    public static byte[] NewKey(Random random)
    {
        var key = new byte[5 + 16];
        "/sim/"u8.CopyTo(key);
        random.NextBytes(key.AsSpan(5));
        return key;
    }

    /// <summary>Publishes <paramref name="count"/> keys, each twice (sequence 1 then 2).</summary>
    public void Publish(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var key = NewKey(random);
            var publisherIndex = swarm.RandomLiveHonest(random);
            var publisher = swarm.Node(publisherIndex);
            for (var sequence = 1UL; sequence <= 2; sequence++)
            {
                var value = validator.Make(key, sequence);
                var result = swarm.Clock.Run(() => publisher.PutValueAsync(key, value, CancellationToken.None));
                PublishMs.Add(result.Elapsed.TotalMilliseconds);
                PublishMessages.Add(result.Lookup.Requests + result.Attempted);
                PublishStored.Add(result.Stored);
            }
            _keys.Add((key, publisherIndex));
        }
    }

    /// <summary>Resolves every published key once from a random live honest node other than its publisher.</summary>
    public void ResolveAll(int? quorum = null)
    {
        foreach (var (key, publisher) in _keys)
        {
            int querier;
            do querier = swarm.RandomLiveHonest(random);
            while (querier == publisher);
            var node = swarm.Node(querier);
            var result = swarm.Clock.Run(() => node.GetValueAsync(key, CancellationToken.None, quorum));
            ResolveMs.Add(result.Lookup?.Elapsed.TotalMilliseconds ?? 0);
            ResolveMessages.Add(result.Lookup?.Requests ?? 0);
            InvalidAnswers += result.InvalidAnswers;
            if (result.Value is null) Missing++;
            else if (SimValueValidator.SequenceOf(result.Value) == 2) Newest++;
            else Stale++;
            FixedUp += swarm.Clock.Run(result.FixUp);
        }
    }

    /// <summary>Options with the simulation's validator registered (a fresh registry, so runs do not share one).</summary>
    public static ValidatorRegistry Registry(SimValueValidator validator) =>
        new ValidatorRegistry().Register(SimValueValidator.Namespace, validator);
}
