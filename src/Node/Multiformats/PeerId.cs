using System.Security.Cryptography;

namespace P2P.Node.Multiformats;

/// <summary>
/// A peer's identity as libp2p forms it for Ed25519 keys (libp2p specs, peer-ids/peer-ids.md): the identity
/// multihash of the protobuf <c>PublicKey { KeyType Type = 1 (Ed25519 = 1); bytes Data = 2; }</c>, i.e. the
/// 38 bytes <c>00 24 08 01 12 20 &lt;32-byte key&gt;</c>, printed base58btc ("12D3KooW…"). Immutable; equality is by bytes.
/// Only Ed25519 identities exist in p2p, so the public key can always be read back out of the id.
/// </summary>
public sealed class PeerId : IEquatable<PeerId>
{
    /// <summary>Length of the binary form.</summary>
    public const int ByteLength = 38;

    /// <summary>Length of an Ed25519 public key.</summary>
    public const int PublicKeyLength = 32;

    // Multihash prefix (identity, length 36) then protobuf field 1 = varint 1 (Ed25519), field 2 = 32 bytes.
    private static ReadOnlySpan<byte> Prefix => [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

    private readonly byte[] _bytes;
    private readonly int _hashCode;
    private byte[]? _nodeId;
    private string? _text;

    private PeerId(byte[] bytes)
    {
        _bytes = bytes;
        var hc = new HashCode();
        hc.AddBytes(bytes.AsSpan(Prefix.Length));
        _hashCode = hc.ToHashCode();
    }

    /// <summary>The 38-byte binary form (identity multihash).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The raw 32-byte Ed25519 public key this id names.</summary>
    public ReadOnlySpan<byte> PublicKey => _bytes.AsSpan(Prefix.Length);

    /// <summary>The Kademlia node id / DHT key: SHA-256 of the binary PeerId, as go-libp2p-kad-dht computes it.</summary>
    public ReadOnlySpan<byte> NodeId => _nodeId ??= SHA256.HashData(_bytes);

    public static PeerId FromPublicKey(ReadOnlySpan<byte> ed25519PublicKey)
    {
        if (ed25519PublicKey.Length != PublicKeyLength)
            throw new ArgumentException($"an Ed25519 public key is {PublicKeyLength} bytes, not {ed25519PublicKey.Length}", nameof(ed25519PublicKey));
        var bytes = new byte[ByteLength];
        Prefix.CopyTo(bytes);
        ed25519PublicKey.CopyTo(bytes.AsSpan(Prefix.Length));
        return new PeerId(bytes);
    }

    /// <summary>Reads a binary PeerId; false with a one-line error when it is not an Ed25519 identity multihash.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> source, out PeerId? peerId, out string? error)
    {
        peerId = null;
        if (source.Length != ByteLength)
        {
            error = source.Length > 0 && source[0] == (byte)Multicodec.Sha2_256
                ? "sha2-256 PeerIds (RSA and other large keys) are not supported; only Ed25519"
                : $"a PeerId is {ByteLength} bytes, not {source.Length}";
            return false;
        }
        if (source[0] != 0x00 || source[1] != 0x24)
        {
            error = "PeerId is not an identity multihash of 36 bytes";
            return false;
        }
        if (!source[..Prefix.Length].SequenceEqual(Prefix))
        {
            error = "PeerId does not hold an Ed25519 public key";
            return false;
        }
        peerId = new PeerId(source.ToArray());
        error = null;
        return true;
    }

    public static PeerId FromBytes(ReadOnlySpan<byte> source) =>
        TryFromBytes(source, out var id, out var error) ? id! : throw new FormatException($"invalid PeerId: {error}");

    /// <summary>
    /// Parses base58btc ("12D3KooW…") or a CIDv1 with the libp2p-key codec (0x72) in any multibase we speak,
    /// following the libp2p rule: text starting with '1' or 'Qm' is a bare base58btc multihash.
    /// </summary>
    public static bool TryParse(string? text, out PeerId? peerId, out string? error)
    {
        peerId = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty PeerId";
            return false;
        }
        text = text.Trim();
        if (text.Length > 128)
        {
            error = "PeerId is too long";
            return false;
        }
        if (text[0] == '1' || text.StartsWith("Qm", StringComparison.Ordinal))
        {
            var raw = Multibase.TryDecodeBase58(text);
            if (raw is null)
            {
                error = "invalid base58btc character in PeerId";
                return false;
            }
            return TryFromBytes(raw, out peerId, out error);
        }
        if (!Cid.TryParse(text, out var cid, out error))
        {
            error = $"neither base58btc nor a CID: {error}";
            return false;
        }
        if (cid!.Codec != Multicodec.Libp2pKey)
        {
            error = $"CID codec is {Multicodec.Name(cid.Codec)}, not libp2p-key";
            return false;
        }
        return TryFromBytes(cid.Multihash.Bytes, out peerId, out error);
    }

    public static PeerId Parse(string text) =>
        TryParse(text, out var id, out var error) ? id! : throw new FormatException($"invalid PeerId: {error}");

    /// <summary>The CIDv1 form (libp2p-key codec, base32), as used in multiaddrs and DNS labels.</summary>
    public string ToCidString() => Cid.V1(Multicodec.Libp2pKey, Multihash.Parse(_bytes)).ToString();

    /// <summary>Base58btc, the way libp2p prints peer ids.</summary>
    public override string ToString() => _text ??= Multibase.EncodeBase58(_bytes);

    public bool Equals(PeerId? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is PeerId other && Equals(other);

    public override int GetHashCode() => _hashCode;

    public static bool operator ==(PeerId? a, PeerId? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(PeerId? a, PeerId? b) => !(a == b);
}
