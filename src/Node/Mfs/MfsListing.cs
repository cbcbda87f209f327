namespace P2P.Node.Mfs;

/// <summary>One entry of `files ls`, with boxo mfs NodeListing's fields: Type 0 file, 1 directory.</summary>
public sealed record MfsListing(string Name, int Type, long Size, string Hash)
{
    public const int FileType = 0;
    public const int DirectoryType = 1;
}
