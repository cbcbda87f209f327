using System.Text;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// Where the repo keeps the root CID of its mutable file tree (MFS, kubo's <c>files</c> commands): one line of text in
/// <c>$REPO/mfs/root</c>, replaced through <see cref="AtomicFile"/> (temp file, fsync, rename, directory fsync), so a
/// crash leaves the old root or the new one. The writer must make the new root's blocks durable before it calls
/// <see cref="Write"/>; gc reads the file under the exclusive <see cref="GcGate"/> and keeps what it references.
/// </summary>
public static class MfsRootFile
{
    public const string DirectoryName = "mfs";
    public const string FileName = "root";

    /// <summary>A CID's text is far below this; a longer file is not one we wrote.</summary>
    private const int MaxLength = 512;

    public static string PathIn(string repoPath) => Path.Join(repoPath, DirectoryName, FileName);

    /// <summary>The stored root, or null when MFS was never written. A damaged file is a corrupt repo.</summary>
    public static Cid? Read(string repoPath)
    {
        var path = PathIn(repoPath);
        if (!File.Exists(path))
            return null;
        var info = new FileInfo(path);
        if (info.Length > MaxLength)
            throw new RepoException(RepoErrorReason.Corrupt, $"MFS root file {path} is {info.Length} bytes, not a CID");
        var text = File.ReadAllText(path, Encoding.ASCII).Trim();
        return Cid.TryParse(text, out var cid, out var error)
            ? cid
            : throw new RepoException(RepoErrorReason.Corrupt, $"MFS root file {path} does not hold a CID ({error})");
    }

    /// <summary>Replaces the stored root, durably.</summary>
    public static void Write(string repoPath, Cid root)
    {
        var directory = Path.Join(repoPath, DirectoryName);
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            Posix.FsyncDirectory(repoPath);
        }
        AtomicFile.Write(PathIn(repoPath), Encoding.ASCII.GetBytes(root + "\n"));
    }
}
