using P2P.Node.Multiformats;

namespace P2P.Node.Mfs;

/// <summary>A checked `files read`: the file's CID and the byte range to stream.</summary>
public sealed record MfsFileRange(Cid File, long Offset, long? Count);
