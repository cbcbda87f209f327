using System.Globalization;
using System.Text;
using P2P.Node.Content.DagPb;
using P2P.Node.Content.UnixFs;

namespace P2P.Node.Content.Importing;

/// <summary>
/// Writes a UnixFS HAMT-sharded directory (UnixFS spec, "HAMTDirectory"; boxo ipld/unixfs/hamt) the way kubo
/// does once a flat directory would pass <see cref="ImportOptions.HamtShardingThreshold"/>. Each name is hashed
/// with murmur3 (first 64 bits, big-endian); each level consumes the next log2(fanout) bits as a bucket index.
/// A bucket holding one entry links it as <c>HEX(index) + name</c>; a bucket holding several becomes a
/// sub-shard linked as <c>HEX(index)</c>. Without deletions this shape depends only on the set of names, so
/// building it in one pass gives the same blocks as kubo's insert-by-insert construction.
/// </summary>
internal static class HamtShardBuilder
{
    /// <summary>kubo's shard width (boxo io.DefaultShardWidth).</summary>
    public const int Fanout = 256;

    /// <summary>Multicodec of murmur3-x64-64, written in the shard's hashType field.</summary>
    public const ulong HashType = 0x22;

    private const int BitsPerLevel = 8;

    public static DagChild Build(NodeBuilder nodes, IReadOnlyList<(string Name, DagChild Child)> entries)
    {
        var hashed = entries.Select(e => (e.Name, e.Child, Hash: Murmur3.Hash64(Encoding.UTF8.GetBytes(e.Name)))).ToList();
        return BuildLevel(nodes, hashed, 0);
    }

    private static DagChild BuildLevel(NodeBuilder nodes, List<(string Name, DagChild Child, ulong Hash)> entries, int depth)
    {
        if ((depth + 1) * BitsPerLevel > 64)
            throw new InvalidOperationException("HAMT names collide on all 64 hash bits");
        var shift = 64 - (depth + 1) * BitsPerLevel;
        var buckets = entries.GroupBy(e => (int)((e.Hash >> shift) & (Fanout - 1))).OrderBy(g => g.Key);
        var links = new List<PbLink>();
        var bitfield = new byte[Fanout / 8];
        ulong dagSize = 0;
        foreach (var bucket in buckets)
        {
            var prefix = bucket.Key.ToString("X2", CultureInfo.InvariantCulture);
            // The bitfield is a big-endian integer in which bit i marks bucket i.
            bitfield[bitfield.Length - 1 - bucket.Key / 8] |= (byte)(1 << (bucket.Key % 8));
            var members = bucket.ToList();
            if (members.Count == 1)
            {
                var (name, child, _) = members[0];
                links.Add(new PbLink(child.Cid, prefix + name, child.DagSize));
                dagSize += child.DagSize;
            }
            else
            {
                var shard = BuildLevel(nodes, members, depth + 1);
                links.Add(new PbLink(shard.Cid, prefix, shard.DagSize));
                dagSize += shard.DagSize;
            }
        }
        // Minimal big-endian bytes, as Go's big.Int and the JavaScript importer write them.
        var first = Array.FindIndex(bitfield, b => b != 0);
        var data = new UnixFsData
        {
            Type = UnixFsType.HamtShard,
            Data = bitfield.AsMemory(first),
            HashType = HashType,
            Fanout = Fanout,
        }.Encode();
        var node = nodes.StoreNode(new PbNode(links, data));
        return new DagChild(node.Cid, 0, dagSize + node.BlockLength);
    }
}
