using NSec.Cryptography;
using P2P.Node.Multiformats;

namespace P2P.Node.Security;

/// <summary>
/// This node's long-term Ed25519 key pair. The private key stays inside NSec's protected memory; it is exported
/// only on request (to write identity.key) as the 32 raw seed bytes (NSec <c>KeyBlobFormat.RawPrivateKey</c>).
/// </summary>
public sealed class NodeIdentity : IDisposable
{
    /// <summary>Length of the raw private key (the Ed25519 seed).</summary>
    public const int PrivateKeyLength = 32;

    /// <summary>Length of an Ed25519 signature.</summary>
    public const int SignatureLength = 64;

    private readonly Key _key;
    private readonly byte[] _publicKey;

    private NodeIdentity(Key key)
    {
        _key = key;
        _publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        PeerId = PeerId.FromPublicKey(_publicKey);
    }

    public PeerId PeerId { get; }

    /// <summary>The raw 32-byte Ed25519 public key.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>The key for the handshake, which signs with it.</summary>
    internal Key SigningKey => _key;

    public static NodeIdentity Generate() => new(Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>Imports the 32 raw private-key bytes; false with an error when they are not a valid key.</summary>
    public static bool TryFromPrivateKey(ReadOnlySpan<byte> rawPrivateKey, out NodeIdentity? identity, out string? error)
    {
        identity = null;
        if (rawPrivateKey.Length != PrivateKeyLength)
        {
            error = $"an Ed25519 private key is {PrivateKeyLength} bytes, not {rawPrivateKey.Length}";
            return false;
        }
        var exportable = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        if (!Key.TryImport(SignatureAlgorithm.Ed25519, rawPrivateKey, KeyBlobFormat.RawPrivateKey, out var key, in exportable) || key is null)
        {
            error = "the bytes are not a valid Ed25519 private key";
            return false;
        }
        identity = new NodeIdentity(key);
        error = null;
        return true;
    }

    /// <summary>Imports the 32 raw private-key bytes (the content of identity.key).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid Ed25519 private key.</exception>
    public static NodeIdentity FromPrivateKey(ReadOnlySpan<byte> rawPrivateKey) =>
        TryFromPrivateKey(rawPrivateKey, out var identity, out var error)
            ? identity!
            : throw new InvalidDataException($"invalid identity key: {error}");

    /// <summary>The 32 raw private-key bytes, for writing identity.key (mode 0600). Callers must not log them.</summary>
    public byte[] ExportPrivateKey() => _key.Export(KeyBlobFormat.RawPrivateKey);

    public byte[] Sign(ReadOnlySpan<byte> data) => SignatureAlgorithm.Ed25519.Sign(_key, data);

    public void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        if (signature.Length != SignatureLength)
            throw new ArgumentException($"signature buffer must be {SignatureLength} bytes", nameof(signature));
        SignatureAlgorithm.Ed25519.Sign(_key, data, signature);
    }

    /// <summary>True when <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="data"/>; false for any malformed input.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PeerId.PublicKeyLength || signature.Length != SignatureLength)
            return false;
        if (!NSec.Cryptography.PublicKey.TryImport(SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.RawPublicKey, out var key) || key is null)
            return false;
        return SignatureAlgorithm.Ed25519.Verify(key, data, signature);
    }

    /// <summary>Verifies a signature made by the key named by <paramref name="signer"/>.</summary>
    public static bool Verify(PeerId signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        Verify(signer.PublicKey, data, signature);

    /// <summary>The PeerId only: a secret never appears in a string.</summary>
    public override string ToString() => PeerId.ToString();

    public void Dispose() => _key.Dispose();
}
