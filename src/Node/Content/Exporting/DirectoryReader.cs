using System.Globalization;
using P2P.Node.Content.DagPb;
using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.Exporting;

/// <summary>
/// The entries of a UnixFS directory, flat or HAMT-sharded (UnixFS spec, "HAMTDirectory"). A shard's link names
/// start with the child's bucket index as upper-case hex, padded to the width of <c>fanout - 1</c>; a name of
/// exactly that width is a sub-shard, a longer one is an entry whose real name follows the prefix. Entries
/// are enumerated in link order, reading every shard block once. A lookup by name in a murmur3 shard follows
/// the name's hash down one path instead (boxo hamt.Shard.Find); other hash types fall back to a scan.
/// </summary>
internal static class DirectoryReader
{
    /// <summary>Shards deeper than this cannot come from any fanout of 2 or more over a 64-bit hash.</summary>
    private const int MaxShardDepth = 64;

    public static async IAsyncEnumerable<PbLink> EntriesAsync(
        UnixFsExporter exporter, UnixFsNode node, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        switch (node.UnixFs.Type)
        {
            case UnixFsType.Directory:
                foreach (var link in node.Links)
                    yield return link.Name is null
                        ? throw new InvalidDataException($"{node.Cid}: directory link to {link.Hash} has no name")
                        : link;
                break;
            case UnixFsType.HamtShard:
                await foreach (var link in ShardEntriesAsync(exporter, node, 0, cancellationToken))
                    yield return link;
                break;
            default:
                throw new InvalidOperationException($"{node.Cid} is a {UnixFsExporter.Describe(node.UnixFs.Type)}, not a directory");
        }
    }

    /// <summary>The CID named <paramref name="name"/> in a flat or sharded directory, or null if it has none.</summary>
    public static async Task<Cid?> FindAsync(UnixFsExporter exporter, UnixFsNode node, string name, CancellationToken cancellationToken)
    {
        if (node.UnixFs.Type == UnixFsType.HamtShard && node.UnixFs.HashType == Importing.HamtShardBuilder.HashType)
            return await FindInShardAsync(exporter, node, name, Importing.Murmur3.Hash64(System.Text.Encoding.UTF8.GetBytes(name)), 0, cancellationToken);
        await foreach (var link in EntriesAsync(exporter, node, cancellationToken))
        {
            if (link.Name == name)
                return link.Hash;
        }
        return null;
    }

    private static async Task<Cid?> FindInShardAsync(
        UnixFsExporter exporter, UnixFsNode shard, string name, ulong hash, int depth, CancellationToken cancellationToken)
    {
        var (fanout, width) = Geometry(shard);
        var bits = System.Numerics.BitOperations.Log2(fanout);
        if ((depth + 1) * bits > 64)
            throw new InvalidDataException($"{shard.Cid}: HAMT is deeper than its 64-bit hash allows");
        // Buckets take the hash's bits from the most significant end, log2(fanout) bits per level.
        var bucket = (hash >> (64 - (depth + 1) * bits)) & (fanout - 1);
        var prefix = bucket.ToString("X" + width.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        foreach (var link in shard.Links)
        {
            if (link.Name is not { } linkName || !linkName.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            if (linkName.Length > width)
                return linkName.AsSpan(width).SequenceEqual(name) ? link.Hash : null;
            var child = await exporter.FetchAsync(link.Hash, cancellationToken);
            if (child.UnixFs.Type != UnixFsType.HamtShard)
                throw new InvalidDataException($"{shard.Cid}: HAMT sub-shard {link.Hash} is a {child.UnixFs.Type} node");
            return await FindInShardAsync(exporter, child, name, hash, depth + 1, cancellationToken);
        }
        return null;
    }

    private static (ulong Fanout, int Width) Geometry(UnixFsNode shard)
    {
        var fanout = shard.UnixFs.Fanout ?? 0;
        if (fanout < 2 || fanout > 65_536 || (fanout & (fanout - 1)) != 0)
            throw new InvalidDataException($"{shard.Cid}: HAMT fanout {fanout} is not a power of two between 2 and 65536");
        return (fanout, (fanout - 1).ToString("X", CultureInfo.InvariantCulture).Length);
    }

    private static async IAsyncEnumerable<PbLink> ShardEntriesAsync(
        UnixFsExporter exporter, UnixFsNode shard, int depth, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (depth > MaxShardDepth)
            throw new InvalidDataException($"{shard.Cid}: HAMT shards nest deeper than {MaxShardDepth} levels");
        var (_, width) = Geometry(shard);
        foreach (var link in shard.Links)
        {
            var name = link.Name;
            if (name is null || name.Length < width || !IsUpperHex(name.AsSpan(0, width)))
                throw new InvalidDataException($"{shard.Cid}: HAMT link '{name}' does not start with a {width}-digit bucket index");
            if (name.Length > width)
            {
                yield return new PbLink(link.Hash, name[width..], link.Tsize);
                continue;
            }
            var child = await exporter.FetchAsync(link.Hash, cancellationToken);
            if (child.UnixFs.Type != UnixFsType.HamtShard)
                throw new InvalidDataException($"{shard.Cid}: HAMT sub-shard {link.Hash} is a {child.UnixFs.Type} node");
            await foreach (var entry in ShardEntriesAsync(exporter, child, depth + 1, cancellationToken))
                yield return entry;
        }
    }

    private static bool IsUpperHex(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'A' and <= 'F')))
                return false;
        }
        return true;
    }
}
