using System.Collections.Concurrent;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>A block store in memory, for tests and `add --only-hash`-style dry runs that must keep blocks.</summary>
public sealed class MemoryBlockStore : IBlockStore
{
    /// <summary>Keyed by multihash; concurrent dictionary, no further lock.</summary>
    private readonly ConcurrentDictionary<Multihash, byte[]> _blocks = new();

    public int Count => _blocks.Count;

    public bool Has(Cid cid) => _blocks.ContainsKey(cid.Multihash);

    public byte[]? Get(Cid cid) => _blocks.TryGetValue(cid.Multihash, out var data) ? data : null;

    public int GetSize(Cid cid) => _blocks.TryGetValue(cid.Multihash, out var data) ? data.Length : -1;

    public void Put(Cid cid, ReadOnlySpan<byte> data) => _blocks.TryAdd(cid.Multihash, data.ToArray());

    public bool Delete(Cid cid) => _blocks.TryRemove(cid.Multihash, out _);

    public IEnumerable<Multihash> EnumerateMultihashes() => _blocks.Keys;

    public void Flush()
    {
    }
}
