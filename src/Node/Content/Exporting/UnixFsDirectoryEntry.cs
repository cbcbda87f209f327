using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.Exporting;

/// <summary>
/// One entry of a directory listing. <see cref="Type"/> and <see cref="Size"/> (as in <see cref="UnixFsNodeInfo"/>)
/// are null when the listing was asked not to fetch the children; <see cref="Tsize"/> is the link's own size field.
/// </summary>
public sealed record UnixFsDirectoryEntry(string Name, Cid Cid, ulong? Tsize, UnixFsType? Type, long? Size);
