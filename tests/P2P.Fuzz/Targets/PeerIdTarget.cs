using P2P.Fuzz.Engine;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Targets;

/// <summary>
/// PeerId.TryFromBytes on the input and PeerId.TryParse on the input as text: accepted ids keep their bytes and
/// both printed forms (base58btc and the libp2p-key CID) parse back to the same id.
/// </summary>
public sealed class PeerIdTarget : IFuzzTarget
{
    public string Name => "peerid";

    public int MaxInputLength => 200;

    public IReadOnlyList<byte[]> Dictionary { get; } =
        [[0x00, 0x24, 0x08, 0x01, 0x12, 0x20], .. FuzzText.Tokens("12D3KooW", "Qm", "1", "bafz", "k51", "z")];

    public string Execute(ReadOnlySpan<byte> input)
    {
        var binary = "rejected";
        if (PeerId.TryFromBytes(input, out var fromBytes, out var error))
        {
            if (!fromBytes!.Bytes.SequenceEqual(input))
                throw new FuzzInvariantException("PeerId bytes differ from its input");
            Check(fromBytes);
            binary = "ok";
        }
        else if (string.IsNullOrEmpty(error))
        {
            throw new FuzzInvariantException("PeerId.TryFromBytes failed without an error");
        }
        var text = FuzzText.Decode(input);
        if (!PeerId.TryParse(text, out var parsed, out var parseError))
        {
            if (string.IsNullOrEmpty(parseError))
                throw new FuzzInvariantException("PeerId.TryParse failed without an error");
            return $"bytes {binary}, text rejected: {parseError}";
        }
        Check(parsed!);
        return $"bytes {binary}, text ok";
    }

    private static void Check(PeerId id)
    {
        if (!PeerId.TryParse(id.ToString(), out var a, out var e1) || a != id)
            throw new FuzzInvariantException($"base58 form of {id} does not parse back: {e1}");
        if (!PeerId.TryParse(id.ToCidString(), out var b, out var e2) || b != id)
            throw new FuzzInvariantException($"CID form of {id} does not parse back: {e2}");
        if (id.NodeId.Length != 32 || id.PublicKey.Length != PeerId.PublicKeyLength)
            throw new FuzzInvariantException("PeerId derived values have wrong lengths");
    }

    public IEnumerable<byte[]> Seeds() =>
    [
        Samples.Peer.Bytes.ToArray(),
        FuzzText.Bytes(Samples.Peer.ToString()),
        FuzzText.Bytes(Samples.Peer.ToCidString()),
        FuzzText.Bytes(Multibase.Encode(Multibase.Base58BtcPrefix, Cid.V1(Multicodec.Libp2pKey, Multihash.Parse(Samples.Peer.Bytes)).Bytes)),
    ];
}
