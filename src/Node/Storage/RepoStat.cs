namespace P2P.Node.Storage;

/// <summary>
/// What `repo stat` prints. <paramref name="TotalBytes"/> is the bytes of blocks; <paramref name="DiskBytes"/> is
/// every file under the repo (blocks, pack overhead, metadata, logs, scratch), what `du --apparent-size` sees;
/// <paramref name="ScratchBytes"/> is the part of it held by scratch uploads and temp files, which the next open
/// with the repo lock removes if their process died.
/// </summary>
public sealed record RepoStat(
    string Path,
    int Version,
    long BlockCount,
    long TotalBytes,
    int PinCount,
    SyncPolicy SyncPolicy,
    long DiskBytes = 0,
    long ScratchBytes = 0);
