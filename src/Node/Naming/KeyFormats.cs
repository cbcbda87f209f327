using NSec.Cryptography;
using P2P.Node.Errors;
using P2P.Node.Security;

namespace P2P.Node.Naming;

/// <summary>
/// kubo's `key export`/`key import` formats (`--format`): <c>libp2p-protobuf-cleartext</c>, the default, is the
/// libp2p PrivateKey message (<see cref="Libp2pKey"/>); <c>pem-pkcs8-cleartext</c> is a PKCS #8 "PRIVATE KEY" PEM
/// block (RFC 8410 for Ed25519), which NSec reads and writes (its PkixPrivateKeyText blob), so keys made by
/// `openssl genpkey -algorithm ED25519` import.
/// </summary>
public static class KeyFormats
{
    public const string Libp2pProtobuf = "libp2p-protobuf-cleartext";
    public const string PemPkcs8 = "pem-pkcs8-cleartext";

    /// <summary>The file extension kubo gives an export without -o: NAME.key or NAME.pem.</summary>
    public static string Extension(string format) => Check(format) == PemPkcs8 ? "pem" : "key";

    public static byte[] Export(NodeIdentity key, string format) => Check(format) == PemPkcs8
        ? key.SigningKey.Export(KeyBlobFormat.PkixPrivateKeyText)
        : Libp2pKey.EncodePrivateKey(key);

    /// <summary>The key in <paramref name="bytes"/>; a P2PException (BadInput) with kubo's reason when it is not one.</summary>
    public static NodeIdentity Import(ReadOnlySpan<byte> bytes, string format)
    {
        if (Check(format) == PemPkcs8)
            return FromPem(bytes);
        if (Libp2pKey.TryDecodePrivateKey(bytes, out var key, out var error))
            return key!;
        if (bytes.StartsWith("-----BEGIN"u8))
            throw new P2PException(ErrorKind.BadInput, $"unexpected PEM block for format={Libp2pProtobuf}: try again with format={PemPkcs8}");
        throw new P2PException(ErrorKind.BadInput, $"unable to unmarshall format={Libp2pProtobuf}: {error}");
    }

    private static NodeIdentity FromPem(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.StartsWith("-----BEGIN PRIVATE KEY-----"u8))
            throw new P2PException(ErrorKind.BadInput, "expected a PRIVATE KEY PEM block (PKCS #8)");
        var exportable = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        if (!Key.TryImport(SignatureAlgorithm.Ed25519, bytes, KeyBlobFormat.PkixPrivateKeyText, out var imported, in exportable) || imported is null)
            throw new P2PException(ErrorKind.BadInput, "parsing PKCS8 format: not an Ed25519 private key (unsupported key type, or damaged)");
        using (imported)
        {
            var raw = imported.Export(KeyBlobFormat.RawPrivateKey);
            try
            {
                return NodeIdentity.FromPrivateKey(raw);
            }
            finally
            {
                Array.Clear(raw);
            }
        }
    }

    private static string Check(string format) => format is Libp2pProtobuf or PemPkcs8
        ? format
        : throw new P2PException(ErrorKind.BadInput, $"unrecognized format: {format}");

    /// <summary>
    /// A key's id as kubo's `--ipns-base` asks: base36 (default, <c>k51…</c>), base32 (<c>bafzaa…</c>) or b58mh
    /// (<c>12D3KooW…</c>); other multibase names are refused.
    /// </summary>
    public static string FormatId(IpnsName name, string? ipnsBase) => (ipnsBase ?? "base36") switch
    {
        "base36" or "k" => name.ToString(),
        "base32" or "b" => name.ToBase32String(),
        "b58mh" or "v0" => name.ToBase58String(),
        var other => throw new P2PException(ErrorKind.BadInput, $"unsupported --ipns-base '{other}': use base36, base32 or b58mh"),
    };

}
