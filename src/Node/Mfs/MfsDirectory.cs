using P2P.Node.Multiformats;

namespace P2P.Node.Mfs;

/// <summary>One directory of the tree while an operation edits it: its prefix and its links by name.</summary>
internal sealed class MfsDirectory(MfsPrefix prefix)
{
    public MfsPrefix Prefix { get; set; } = prefix;

    /// <summary>Name → the child's CID and cumulative size (the link's Tsize).</summary>
    public Dictionary<string, (Cid Cid, ulong Tsize)> Entries { get; } = new(StringComparer.Ordinal);
}
