using System.Security.Cryptography;
using System.Text;
using P2P.Node.Multiformats;

namespace P2P.Node.Naming;

/// <summary>
/// An IPNS name (IPNS spec, "IPNS Name"): the multihash of a serialized libp2p PublicKey, an identity multihash for
/// Ed25519 keys (the PeerId's bytes), sha2-256 for large ones. Printed as kubo prints it: a CIDv1 with the
/// libp2p-key codec (0x72) in base36 (<c>k51…</c>). Parsed from that, from any other multibase CID form, from the
/// bare base58btc multihash (<c>12D3KooW…</c>, <c>Qm…</c>) and with an optional <c>/ipns/</c> prefix.
/// Immutable; equality is by multihash.
/// </summary>
public sealed class IpnsName : IEquatable<IpnsName>
{
    public const string NamespacePrefix = "/ipns/";

    /// <summary>Longest text accepted: a base36 CID of an Ed25519 name is 62 characters, an RSA one's under 70.</summary>
    public const int MaxTextLength = 256;

    private readonly string _text;

    private IpnsName(Multihash multihash)
    {
        Multihash = multihash;
        _text = Base36.Prefix + Base36.Encode(Cid.V1(Multicodec.Libp2pKey, multihash).Bytes);
    }

    /// <summary>The multihash of the key's serialized PublicKey.</summary>
    public Multihash Multihash { get; }

    /// <summary>The DHT key of the name's records (IPNS spec, "Routing Record"): the bytes of "/ipns/" then the multihash.</summary>
    public byte[] RoutingKey
    {
        get
        {
            var key = new byte[NamespacePrefix.Length + Multihash.Length];
            Encoding.ASCII.GetBytes(NamespacePrefix, key);
            Multihash.Bytes.CopyTo(key.AsSpan(NamespacePrefix.Length));
            return key;
        }
    }

    /// <summary>The Ed25519 PeerId this name is, or null when the name hashes its key (then records carry it).</summary>
    public PeerId? PeerId => PeerId.TryFromBytes(Multihash.Bytes, out var id, out _) ? id : null;

    public static IpnsName FromPeerId(PeerId peerId) => new(Multihash.Parse(peerId.Bytes.ToArray()));

    /// <summary>The name of a serialized libp2p PublicKey: inlined (identity) up to 42 bytes, as libp2p does, else sha2-256.</summary>
    public static IpnsName FromPublicKeyMessage(ReadOnlySpan<byte> publicKeyMessage) =>
        new(publicKeyMessage.Length <= 42 ? Multihash.Identity(publicKeyMessage) : Multihash.Sha256(publicKeyMessage));

    /// <summary>True when <paramref name="publicKeyMessage"/> is the key this name is the hash of.</summary>
    public bool Names(ReadOnlySpan<byte> publicKeyMessage) => Multihash.Code switch
    {
        Multicodec.Identity => Multihash.Digest.SequenceEqual(publicKeyMessage),
        Multicodec.Sha2_256 => Multihash.Digest.SequenceEqual(SHA256.HashData(publicKeyMessage)),
        _ => false,
    };

    /// <summary>Parses any form kubo accepts for a name; false with a one-line reason.</summary>
    public static bool TryParse(string? text, out IpnsName name, out string error)
    {
        name = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty IPNS name";
            return false;
        }
        text = text.Trim();
        if (text.StartsWith(NamespacePrefix, StringComparison.Ordinal))
            text = text[NamespacePrefix.Length..];
        if (text.Length > MaxTextLength)
        {
            error = "IPNS name is too long";
            return false;
        }
        byte[]? multihash;
        if (text.StartsWith('1') || text.StartsWith("Qm", StringComparison.Ordinal))
        {
            multihash = Multibase.TryDecodeBase58(text);
            if (multihash is null)
            {
                error = $"invalid IPNS name '{text}': invalid base58btc character";
                return false;
            }
        }
        else
        {
            if (!Cid.TryParse(text, out var cid, out var cidError))
            {
                error = $"invalid IPNS name '{text}': {cidError}";
                return false;
            }
            if (cid!.Codec != Multicodec.Libp2pKey)
            {
                error = $"invalid IPNS name '{text}': CID codec is {Multicodec.Name(cid.Codec)}, not libp2p-key";
                return false;
            }
            multihash = cid.Multihash.Bytes.ToArray();
        }
        return TryFromMultihash(multihash, out name, out error);
    }

    /// <summary>The name whose routing key is <paramref name="routingKey"/> ("/ipns/" + multihash), as the DHT hands it over.</summary>
    public static bool TryFromRoutingKey(ReadOnlySpan<byte> routingKey, out IpnsName name, out string error)
    {
        name = null!;
        if (routingKey.Length <= NamespacePrefix.Length || !routingKey[..NamespacePrefix.Length].SequenceEqual("/ipns/"u8))
        {
            error = "routing key does not start with /ipns/";
            return false;
        }
        return TryFromMultihash(routingKey[NamespacePrefix.Length..], out name, out error);
    }

    private static bool TryFromMultihash(ReadOnlySpan<byte> bytes, out IpnsName name, out string error)
    {
        name = null!;
        if (!Multihash.TryRead(bytes, out var multihash, out var used, out var mhError) || used != bytes.Length)
        {
            error = $"IPNS name is not a multihash: {mhError ?? "trailing bytes"}";
            return false;
        }
        if (multihash!.Code is not (Multicodec.Identity or Multicodec.Sha2_256))
        {
            error = $"IPNS name hashes its key with {Multicodec.Name(multihash.Code)}, not identity or sha2-256";
            return false;
        }
        name = new IpnsName(multihash);
        error = "";
        return true;
    }

    /// <summary>The base36 CIDv1 form, <c>k51…</c> for an Ed25519 key.</summary>
    public override string ToString() => _text;

    /// <summary>The CIDv1 form in base32 (<c>bafzaa…</c>), kubo's <c>--ipns-base base32</c>.</summary>
    public string ToBase32String() => Cid.V1(Multicodec.Libp2pKey, Multihash).ToString();

    /// <summary>The bare base58btc multihash (<c>12D3KooW…</c>), kubo's <c>--ipns-base b58mh</c>.</summary>
    public string ToBase58String() => Multibase.EncodeBase58(Multihash.Bytes);

    public bool Equals(IpnsName? other) => other is not null && Multihash.Equals(other.Multihash);

    public override bool Equals(object? obj) => obj is IpnsName other && Equals(other);

    public override int GetHashCode() => Multihash.GetHashCode();
}
