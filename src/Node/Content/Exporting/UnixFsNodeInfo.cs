using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.Exporting;

/// <summary>
/// What one UnixFS node is. A raw block reports <see cref="UnixFsType.File"/> and a HAMT shard
/// <see cref="UnixFsType.Directory"/>. <see cref="Size"/> is the file
/// length for files, the target length for symlinks and 0 for directories; <see cref="CumulativeSize"/> is the
/// block plus the Tsize of every link (kubo's CumulativeSize).
/// </summary>
public sealed record UnixFsNodeInfo(
    Cid Cid,
    UnixFsType Type,
    long Size,
    int BlockSize,
    long CumulativeSize,
    int LinkCount,
    string? SymlinkTarget);
