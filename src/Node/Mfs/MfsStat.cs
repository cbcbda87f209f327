namespace P2P.Node.Mfs;

/// <summary>
/// `files stat` as kubo reports it (statOutput): Size is the file's length (0 for a directory), CumulativeSize the
/// node plus the Tsize of its links, Blocks the number of links, Type "file" or "directory". Mode and Mtime come from
/// the UnixFS node when it carries them.
/// </summary>
public sealed record MfsStat(string Hash, ulong Size, ulong CumulativeSize, int Blocks, string Type,
    uint Mode = 0, long Mtime = 0, int MtimeNsecs = 0);
