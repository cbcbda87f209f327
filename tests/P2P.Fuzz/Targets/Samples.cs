using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Fuzz.Targets;

/// <summary>Deterministic sample values the seeds are built from.</summary>
internal static class Samples
{
    public static Multihash Sha256 { get; } = Multihash.Sha256("p2p fuzz seed"u8);

    public static Cid CidV0 { get; } = Cid.V0(Sha256);

    public static Cid CidRaw { get; } = Cid.V1(Multicodec.Raw, Multihash.Sha256("raw leaf"u8));

    public static Cid CidBlake3 { get; } = Cid.V1(Multicodec.DagPb, Multihash.Blake3("blake3 node"u8));

    public static Cid CidIdentity { get; } = Cid.V1(Multicodec.Raw, Multihash.Identity("tiny"u8));

    public static IReadOnlyList<Cid> Cids { get; } = [CidV0, CidRaw, CidBlake3, CidIdentity];

    /// <summary>An identity from a fixed private key, so seeds are the same on every run.</summary>
    public static NodeIdentity Identity(byte fill)
    {
        var key = new byte[NodeIdentity.PrivateKeyLength];
        Array.Fill(key, fill);
        return NodeIdentity.TryFromPrivateKey(key, out var identity, out var error)
            ? identity!
            : throw new InvalidOperationException(error);
    }

    public static PeerId Peer { get; } = Identity(7).PeerId;
}
