using P2P.Node.Content.Exporting;
using P2P.Node.Content.UnixFs;

namespace P2P.Node.Mfs;

/// <summary>kubo's statNode: what `files stat` reports for one node.</summary>
internal static class MfsStats
{
    public static MfsStat Of(UnixFsNode node)
    {
        var hash = node.Cid.ToString();
        if (node.Pb is null)
            return new MfsStat(hash, (ulong)node.BlockSize, (ulong)node.BlockSize, 0, "file");
        ulong cumulative = (ulong)node.BlockSize;
        foreach (var link in node.Links)
            cumulative += link.Tsize ?? 0;
        var type = node.UnixFs.Type is UnixFsType.Directory or UnixFsType.HamtShard ? "directory" : "file";
        var mode = node.UnixFs.Mode ?? 0;
        // kubo reports a symlink without a mode as lrwxrwxrwx (os.ModeSymlink | 0777).
        if (mode == 0 && node.UnixFs.Type == UnixFsType.Symlink)
            mode = SymlinkMode;
        var mtime = node.UnixFs.MTime;
        return new MfsStat(hash, node.UnixFs.FileSize ?? 0, cumulative, node.Links.Count, type, mode,
            mtime?.Seconds ?? 0, (int)(mtime?.FractionalNanoseconds ?? 0));
    }

    /// <summary>Go's os.ModeSymlink (1 &lt;&lt; 27) with 0777: kubo's JSON carries it as is.</summary>
    internal const uint SymlinkMode = (1u << 27) | 0x1FF;
}
