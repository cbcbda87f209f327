namespace P2P.Node.Content.DagPb;

/// <summary>
/// A dag-pb node: links, then optional data. <see cref="Data"/> is null when the field is absent (an empty
/// array is a present, empty field). Data decoded from a block is a slice of that block, not a copy.
/// </summary>
public sealed class PbNode
{
    public PbNode(IReadOnlyList<PbLink> links, ReadOnlyMemory<byte>? data)
    {
        Links = links;
        Data = data;
    }

    public IReadOnlyList<PbLink> Links { get; }

    public ReadOnlyMemory<byte>? Data { get; }
}
