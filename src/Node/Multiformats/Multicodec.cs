namespace P2P.Node.Multiformats;

/// <summary>Multicodec codes p2p uses (github.com/multiformats/multicodec, table.csv).</summary>
public static class Multicodec
{
    public const ulong Raw = 0x55;
    public const ulong DagPb = 0x70;
    public const ulong Libp2pKey = 0x72;
    public const ulong Sha2_256 = 0x12;
    public const ulong Blake3 = 0x1e;
    public const ulong Identity = 0x00;

    public static string Name(ulong code) => code switch
    {
        Raw => "raw",
        DagPb => "dag-pb",
        Libp2pKey => "libp2p-key",
        Sha2_256 => "sha2-256",
        Blake3 => "blake3",
        Identity => "identity",
        _ => $"0x{code:x}",
    };
}
