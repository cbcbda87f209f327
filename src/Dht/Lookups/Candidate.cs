namespace P2P.Dht.Lookups;

/// <summary>A contact in a lookup's candidate set. Guarded by the owning lookup's lock.</summary>
internal sealed class Candidate(Contact contact, Key distance, int path)
{
    public Contact Contact { get; } = contact;

    /// <summary>XOR distance to the lookup target (cached: the set is kept sorted by it).</summary>
    public Key Distance { get; } = distance;

    /// <summary>The disjoint path that owns this contact.</summary>
    public int Path { get; } = path;

    /// <summary>
    /// Round of the request sent to this contact: one more than the round of the latest outcome that
    /// made the lookup send it (1 for the first requests). 0 until sent.
    /// </summary>
    public int Round { get; set; }

    public CandidateState State { get; set; }

    /// <summary>The valid value it answered a GET_VALUE with (null: none, or not a value lookup).</summary>
    public byte[]? Value { get; set; }

    /// <summary>
    /// Still waiting past the slow threshold: it no longer holds a slot nor blocks termination.
    /// </summary>
    public bool Slow { get; set; }

    /// <summary>Counts for termination: failed and slow contacts are left out (like unreachable ones).</summary>
    public bool Excluded => State == CandidateState.Failed || (State == CandidateState.Waiting && Slow);
}
