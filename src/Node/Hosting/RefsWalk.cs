using System.Runtime.CompilerServices;
using P2P.Node.Content.DagPb;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Hosting;

/// <summary>
/// kubo's `refs`: the links below a root, depth first with each parent before its children, one line per link in the
/// <c>--format</c> given (tokens <c>&lt;src&gt;</c>, <c>&lt;dst&gt;</c>, <c>&lt;linkname&gt;</c>). As kubo, a link is
/// written only once its block was read, so a missing block fails the walk where it is met. The same walk serves the
/// CLI offline (the repo's blocks) and the daemon (fetching as needed).
/// </summary>
public sealed class RefsWalk
{
    /// <summary>kubo's default format: the target CID alone.</summary>
    public const string DefaultFormat = "<dst>";

    /// <summary>kubo's <c>--edges</c> format.</summary>
    public const string EdgesFormat = "<src> -> <dst>";

    private readonly string _format;
    private readonly bool _unique;
    private readonly int _maxDepth;

    /// <summary>Depth at which each CID was last written, for <c>--unique</c>.</summary>
    private readonly Dictionary<Multihash, int> _seen = [];

    /// <summary>
    /// Without <paramref name="recursive"/> only a root's own links are listed; <paramref name="maxDepth"/> -1 is
    /// unlimited. Throws <see cref="ArgumentException"/> for kubo's refused combination (a format with edges).
    /// </summary>
    public RefsWalk(bool recursive, bool unique, int maxDepth, string? format, bool edges)
    {
        if (edges && format is not null && format != DefaultFormat)
            throw new ArgumentException("using format argument with edges is not allowed");
        _format = edges ? EdgesFormat : format ?? DefaultFormat;
        _unique = unique;
        _maxDepth = recursive ? maxDepth : 1;
    }

    /// <summary>The formatted line of each link below <paramref name="root"/>, in kubo's order.</summary>
    public async IAsyncEnumerable<string> WalkAsync(Cid root, IBlockGetter blocks, [EnumeratorCancellation] CancellationToken ct)
    {
        // An explicit stack rather than recursion: a DAG's depth is the sender's choice.
        var stack = new Stack<Frame>();
        stack.Push(new Frame(root, LinksOf(root, await blocks.GetBlockAsync(root, ct)), 0));
        while (stack.Count > 0)
        {
            var frame = stack.Peek();
            if (frame.Next == frame.Links.Count)
            {
                stack.Pop();
                continue;
            }
            var link = frame.Links[frame.Next++];
            var (deeper, write) = Visit(link.Hash, frame.Depth + 1);
            if (!deeper && !write)
                continue;
            var child = await blocks.GetBlockAsync(link.Hash, ct);
            if (write)
                yield return Format(frame.Cid, link.Hash, link.Name ?? "");
            if (deeper)
                stack.Push(new Frame(link.Hash, LinksOf(link.Hash, child), frame.Depth + 1));
        }
    }

    /// <summary>
    /// kubo's `refs local`: every block the store holds as a raw CIDv1 (the store knows multihashes, not codecs), sorted
    /// so that the CLI offline and the daemon list them in one order whatever the store's own.
    /// </summary>
    public static IReadOnlyList<string> Local(IBlockStore blocks)
    {
        var cids = blocks.EnumerateMultihashes().Select(m => Cid.V1(Multicodec.Raw, m).ToString()).ToList();
        cids.Sort(StringComparer.Ordinal);
        return cids;
    }

    /// <summary>kubo's rule: whether to go below a link at <paramref name="depth"/>, and whether to write it.</summary>
    private (bool Deeper, bool Write) Visit(Cid cid, int depth)
    {
        var atMax = _maxDepth >= 0 && depth == _maxDepth;
        if (_maxDepth >= 0 && depth > _maxDepth)
            return (false, false);
        if (!_unique)
            return (!atMax, true);
        var known = _seen.TryGetValue(cid.Multihash, out var oldDepth);
        // Seen before no deeper than now: everything below it was already listed.
        if (known && (_maxDepth < 0 || oldDepth <= depth))
            return (false, false);
        _seen[cid.Multihash] = depth;
        return (!atMax, !known);
    }

    private string Format(Cid source, Cid target, string name) =>
        _format.Replace("<src>", source.ToString(), StringComparison.Ordinal)
            .Replace("<dst>", target.ToString(), StringComparison.Ordinal)
            .Replace("<linkname>", name, StringComparison.Ordinal);

    /// <summary>A dag-pb node's links; a raw block has none.</summary>
    internal static IReadOnlyList<PbLink> LinksOf(Cid cid, byte[] block) =>
        cid.Codec == Multicodec.DagPb ? DagPbCodec.Decode(block).Links : [];

    private sealed class Frame(Cid cid, IReadOnlyList<PbLink> links, int depth)
    {
        public Cid Cid { get; } = cid;

        public IReadOnlyList<PbLink> Links { get; } = links;

        public int Depth { get; } = depth;

        public int Next { get; set; }
    }
}
