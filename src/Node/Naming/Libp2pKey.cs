using P2P.Node.Content.DagPb;
using P2P.Node.Security;

namespace P2P.Node.Naming;

/// <summary>
/// libp2p's key messages (libp2p specs peer-ids/peer-ids.md "Keys", repeated by the IPNS spec "Key Serialization
/// Format"): <c>PublicKey { KeyType Type = 1; bytes Data = 2; }</c> and <c>PrivateKey</c> of the same shape. For
/// Ed25519 (type 1) the public Data is the 32-byte key and the private Data is the 32-byte seed followed by the
/// 32-byte public key (64 bytes; go-libp2p once wrote a redundant third copy of the public key, 96 bytes, which is
/// still read). A kubo keystore file and `ipfs key export`'s default format are exactly the PrivateKey bytes.
/// </summary>
public static class Libp2pKey
{
    public const int Ed25519Type = 1;

    /// <summary>Largest key message read: an RSA-4096 private key is about 2.4 KB, Ed25519's 68 bytes.</summary>
    public const int MaxEncodedLength = 8 * 1024;

    private const int TypeField = 1;
    private const int DataField = 2;

    /// <summary>The serialized PublicKey of an Ed25519 key (36 bytes: 08 01 12 20 + key).</summary>
    public static byte[] EncodePublicKey(ReadOnlySpan<byte> ed25519PublicKey)
    {
        var bytes = new byte[2 + ProtoWriter.BytesFieldSize(ed25519PublicKey.Length)];
        var writer = new ProtoWriter(bytes);
        writer.WriteVarintField(TypeField, Ed25519Type);
        writer.WriteBytesField(DataField, ed25519PublicKey);
        return bytes;
    }

    /// <summary>The serialized PrivateKey of <paramref name="key"/> (68 bytes). It holds the secret: never log it.</summary>
    public static byte[] EncodePrivateKey(NodeIdentity key)
    {
        var data = new byte[NodeIdentity.PrivateKeyLength + 32];
        var seed = key.ExportPrivateKey();
        try
        {
            seed.CopyTo(data, 0);
            key.PublicKey.CopyTo(data.AsSpan(NodeIdentity.PrivateKeyLength));
            var bytes = new byte[2 + ProtoWriter.BytesFieldSize(data.Length)];
            var writer = new ProtoWriter(bytes);
            writer.WriteVarintField(TypeField, Ed25519Type);
            writer.WriteBytesField(DataField, data);
            return bytes;
        }
        finally
        {
            Array.Clear(seed);
            Array.Clear(data);
        }
    }

    /// <summary>The Ed25519 key of a serialized PublicKey; false with a one-line reason for any other type or shape.</summary>
    public static bool TryDecodePublicKey(ReadOnlySpan<byte> message, out byte[]? ed25519PublicKey, out string error)
    {
        ed25519PublicKey = null;
        if (!TryRead(message, "public", out var data, out error))
            return false;
        if (data.Length != 32)
        {
            error = $"an Ed25519 public key is 32 bytes, not {data.Length}";
            return false;
        }
        ed25519PublicKey = data.ToArray();
        return true;
    }

    /// <summary>The key of a serialized PrivateKey; false with a one-line reason for any other type or a bad key.</summary>
    public static bool TryDecodePrivateKey(ReadOnlySpan<byte> message, out NodeIdentity? key, out string error)
    {
        key = null;
        if (!TryRead(message, "private", out var data, out error))
            return false;
        if (data.Length is not (64 or 96))
        {
            error = $"an Ed25519 private key is 64 bytes (seed and public key), not {data.Length}";
            return false;
        }
        if (!NodeIdentity.TryFromPrivateKey(data[..NodeIdentity.PrivateKeyLength], out var identity, out var keyError))
        {
            error = keyError ?? "not a valid Ed25519 private key";
            return false;
        }
        // The public half is redundant; one that differs from the seed's means the bytes were damaged or forged.
        if (!data.Slice(32, 32).SequenceEqual(identity!.PublicKey) || (data.Length == 96 && !data.Slice(64, 32).SequenceEqual(identity.PublicKey)))
        {
            identity.Dispose();
            error = "the private key's public half does not match its seed";
            return false;
        }
        key = identity;
        return true;
    }

    private static bool TryRead(ReadOnlySpan<byte> message, string kind, out ReadOnlySpan<byte> data, out string error)
    {
        data = default;
        if (message.Length > MaxEncodedLength)
        {
            error = $"a {kind} key message is at most {MaxEncodedLength} bytes, not {message.Length}";
            return false;
        }
        ulong? type = null;
        var found = false;
        var reader = new ProtoReader(message);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadKey(out var field, out var wire))
            {
                error = $"malformed {kind} key message";
                return false;
            }
            if (field == TypeField && wire == ProtoReader.Varint && reader.TryReadVarint(out var t))
                type = t;
            else if (field == DataField && wire == ProtoReader.LengthDelimited && reader.TryReadBytes(out var d))
            {
                data = d;
                found = true;
            }
            else if (field is TypeField or DataField || !reader.TrySkip(wire))
            {
                error = $"malformed {kind} key message";
                return false;
            }
        }
        if (type is null || !found)
        {
            error = $"a {kind} key message needs both its type and its data";
            return false;
        }
        if (type != Ed25519Type)
        {
            error = $"unsupported key type {TypeName(type.Value)}: only ed25519 keys are supported";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>The name of a libp2p KeyType, as `--type` spells it.</summary>
    public static string TypeName(ulong type) => type switch
    {
        0 => "rsa",
        1 => "ed25519",
        2 => "secp256k1",
        3 => "ecdsa",
        _ => type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
