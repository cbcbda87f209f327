using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;

namespace P2P.Node.Content.Importing;

/// <summary>
/// One file, symlink or directory added by <see cref="UnixFsImporter.ImportPathAsync"/>, for kubo's
/// <c>added &lt;cid&gt; &lt;path&gt;</c> lines. <see cref="Path"/> starts with the added item's own name and uses '/'.
/// <see cref="Size"/> is the file length (0 for directories, the target length for symlinks);
/// <see cref="DagSize"/> is the cumulative block size, which kubo prints as "Size" in JSON output.
/// </summary>
public sealed record ImportedEntry(string Path, Cid Cid, UnixFsType Kind, long Size, long DagSize);
