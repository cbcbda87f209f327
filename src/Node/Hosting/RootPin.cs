using P2P.Node.Multiformats;

namespace P2P.Node.Hosting;

/// <summary>One root of a <see cref="DagImport"/>: pinned when <see cref="Error"/> is null, else why it could not be.</summary>
public sealed record RootPin(Cid Root, string? Error);
