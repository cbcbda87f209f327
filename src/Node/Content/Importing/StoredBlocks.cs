using P2P.Node.Multiformats;

namespace P2P.Node.Content.Importing;

/// <summary>
/// The blocks an import stored, each once, in the order first stored: what a daemon announces after an add. Kept as
/// the importer stores them so the daemon need not read the DAG back (every leaf read and hashed again) to list
/// them. Thread-safe: leaves are stored from the thread pool.
/// </summary>
public sealed class StoredBlocks
{
    /// <summary>Guards <see cref="_seen"/> and <see cref="_order"/>.</summary>
    private readonly Lock _sync = new();
    private readonly HashSet<Multihash> _seen = [];
    private readonly List<Multihash> _order = [];

    public void Add(Cid cid)
    {
        lock (_sync)
        {
            if (_seen.Add(cid.Multihash))
                _order.Add(cid.Multihash);
        }
    }

    /// <summary>A copy of the multihashes stored so far, without <paramref name="except"/> (the root, announced apart).</summary>
    public IReadOnlyList<Multihash> Without(Multihash? except)
    {
        lock (_sync)
            return [.. _order.Where(m => !m.Equals(except))];
    }
}
