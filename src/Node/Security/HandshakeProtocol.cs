using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;
using P2P.Node.Multiformats;

namespace P2P.Node.Security;

/// <summary>
/// The pieces both sides of the handshake share. The pattern is SIGMA-I (Krawczyk, CRYPTO 2003) shaped like
/// Noise XX: ephemeral X25519 keys in the clear, then each side's static Ed25519 key and its signature over the
/// running transcript hash, encrypted under a key derived from the ephemeral DH. The initiator learns and checks
/// the responder's identity before revealing its own; the responder reveals nobody until the initiator has proven
/// its key. Messages (all fixed length):
/// <code>
/// hello  (I→R): version ‖ offered suites ‖ eI                      34 bytes
/// reply  (R→I): version ‖ chosen suite ‖ eR ‖ AEAD(kR, sR ‖ sigR)  146 bytes
/// finish (I→R): version ‖ AEAD(kI, sI ‖ sigI)                      113 bytes
/// </code>
/// The version and both suite fields are in the transcript each side signs, so a downgrade is detected.
/// </summary>
internal static class HandshakeProtocol
{
    public const byte Version = 1;
    public const int EphemeralLength = 32;
    public const int IdentityPayloadLength = PeerId.PublicKeyLength + NodeIdentity.SignatureLength;
    public const int SealedIdentityLength = IdentityPayloadLength + 16;
    public const int HelloLength = 2 + EphemeralLength;
    public const int ReplyHeaderLength = 2 + EphemeralLength;
    public const int ReplyLength = ReplyHeaderLength + SealedIdentityLength;
    public const int FinishLength = 1 + SealedIdentityLength;

    /// <summary>The largest handshake message; anything longer is rejected before it is read.</summary>
    public const int MaxMessageLength = ReplyLength;

    public static readonly byte[] InitialHash = SHA256.HashData("p2p-handshake/1 X25519 Ed25519 HKDF-SHA256"u8);

    private static readonly byte[] ResponderLabel = Encoding.ASCII.GetBytes("p2p-handshake/1 responder signature");
    private static readonly byte[] InitiatorLabel = Encoding.ASCII.GetBytes("p2p-handshake/1 initiator signature");
    private static readonly byte[] ResponderKeyInfo = Encoding.ASCII.GetBytes("p2p-handshake/1 responder identity key");
    private static readonly byte[] InitiatorKeyInfo = Encoding.ASCII.GetBytes("p2p-handshake/1 initiator identity key");
    private static readonly byte[] InitiatorToResponderInfo = Encoding.ASCII.GetBytes("p2p-session/1 initiator to responder");
    private static readonly byte[] ResponderToInitiatorInfo = Encoding.ASCII.GetBytes("p2p-session/1 responder to initiator");

    /// <summary>h' = SHA-256(h ‖ data): the transcript hash after one more message part.</summary>
    public static byte[] Mix(ReadOnlySpan<byte> hash, ReadOnlySpan<byte> data)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(hash);
        sha.AppendData(data);
        return sha.GetHashAndReset();
    }

    public static Key CreateEphemeral() => Key.Create(KeyAgreementAlgorithm.X25519);

    public static byte[] ExportEphemeral(Key ephemeral) => ephemeral.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    /// <summary>X25519 with the peer's ephemeral key; null for a malformed or low-order point (RFC 7748 §6.1).</summary>
    public static SharedSecret? TryAgree(Key ephemeral, ReadOnlySpan<byte> remoteEphemeral)
    {
        if (!NSec.Cryptography.PublicKey.TryImport(KeyAgreementAlgorithm.X25519, remoteEphemeral, KeyBlobFormat.RawPublicKey, out var remote) || remote is null)
            return null;
        return KeyAgreementAlgorithm.X25519.Agree(ephemeral, remote);
    }

    /// <summary>The one-use ChaCha20-Poly1305 key that hides one side's identity, salted with the transcript so far.</summary>
    public static Key IdentityKey(SharedSecret secret, ReadOnlySpan<byte> transcript, bool responder) =>
        KeyDerivationAlgorithm.HkdfSha256.DeriveKey(secret, transcript, responder ? ResponderKeyInfo : InitiatorKeyInfo, AeadAlgorithm.ChaCha20Poly1305);

    /// <summary>Session keys, one per direction (HKDF-SHA256, RFC 5869), salted with the full transcript hash.</summary>
    public static (Key Send, Key Receive) SessionKeys(SharedSecret secret, ReadOnlySpan<byte> transcript, CipherSuite suite, bool initiator)
    {
        var aead = CipherSuites.Algorithm(suite);
        var i2r = KeyDerivationAlgorithm.HkdfSha256.DeriveKey(secret, transcript, InitiatorToResponderInfo, aead);
        var r2i = KeyDerivationAlgorithm.HkdfSha256.DeriveKey(secret, transcript, ResponderToInitiatorInfo, aead);
        return initiator ? (i2r, r2i) : (r2i, i2r);
    }

    /// <summary>AEAD(key, static public key ‖ Ed25519 signature over label ‖ transcript ‖ static public key), transcript as associated data.</summary>
    public static void SealIdentity(NodeIdentity identity, Key key, ReadOnlySpan<byte> transcript, bool responder, Span<byte> destination)
    {
        Span<byte> payload = stackalloc byte[IdentityPayloadLength];
        identity.PublicKey.CopyTo(payload);
        identity.Sign(SignedData(transcript, identity.PublicKey, responder), payload[PeerId.PublicKeyLength..]);
        Span<byte> nonce = stackalloc byte[AeadAlgorithm.ChaCha20Poly1305.NonceSize];
        nonce.Clear();
        AeadAlgorithm.ChaCha20Poly1305.Encrypt(key, nonce, transcript, payload, destination);
    }

    /// <summary>Opens and checks the other side's identity; null when the box or the signature does not verify.</summary>
    public static PeerId? TryOpenIdentity(Key key, ReadOnlySpan<byte> transcript, bool responder, ReadOnlySpan<byte> sealedIdentity)
    {
        if (sealedIdentity.Length != SealedIdentityLength)
            return null;
        Span<byte> payload = stackalloc byte[IdentityPayloadLength];
        Span<byte> nonce = stackalloc byte[AeadAlgorithm.ChaCha20Poly1305.NonceSize];
        nonce.Clear();
        if (!AeadAlgorithm.ChaCha20Poly1305.Decrypt(key, nonce, transcript, sealedIdentity, payload))
            return null;
        var publicKey = payload[..PeerId.PublicKeyLength];
        var signature = payload[PeerId.PublicKeyLength..];
        return NodeIdentity.Verify(publicKey, SignedData(transcript, publicKey, responder), signature)
            ? PeerId.FromPublicKey(publicKey)
            : null;
    }

    /// <summary>The signer's own key is signed too, so a signature cannot be re-bound to another identity (SIGMA §5.1).</summary>
    private static byte[] SignedData(ReadOnlySpan<byte> transcript, ReadOnlySpan<byte> publicKey, bool responder)
    {
        var label = responder ? ResponderLabel : InitiatorLabel;
        var data = new byte[label.Length + transcript.Length + publicKey.Length];
        label.CopyTo(data, 0);
        transcript.CopyTo(data.AsSpan(label.Length));
        publicKey.CopyTo(data.AsSpan(label.Length + transcript.Length));
        return data;
    }
}
