using P2P.Node.Multiformats;

namespace P2P.Node.Content.DagPb;

/// <summary>
/// A dag-pb link (ipld.io/specs/codecs/dag-pb/spec): the child's CID, an optional name and an optional
/// cumulative size. A null <see cref="Name"/> or <see cref="Tsize"/> means the field is absent, which is
/// not the same bytes as an empty name or a zero size.
/// </summary>
public sealed record PbLink(Cid Hash, string? Name, ulong? Tsize);
