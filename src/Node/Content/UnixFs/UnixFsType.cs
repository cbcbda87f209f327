namespace P2P.Node.Content.UnixFs;

/// <summary>The UnixFS <c>Data.DataType</c> enum (github.com/ipfs/specs, UnixFS, "Data Format").</summary>
public enum UnixFsType
{
    Raw = 0,
    Directory = 1,
    File = 2,
    Metadata = 3,
    Symlink = 4,
    HamtShard = 5,
}
