namespace P2P.Node.Storage;

/// <summary>What `repo stat` prints.</summary>
public sealed record RepoStat(string Path, int Version, long BlockCount, long TotalBytes, int PinCount, SyncPolicy SyncPolicy);
