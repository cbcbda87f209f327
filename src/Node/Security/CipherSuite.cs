namespace P2P.Node.Security;

/// <summary>
/// AEADs a session can use after the handshake, as bit flags so a hello can offer a set. Preference order
/// (fastest first, measured in docs/TRANSPORT.md): AEGIS-128L, AES-256-GCM, ChaCha20-Poly1305.
/// </summary>
[Flags]
public enum CipherSuite : byte
{
    None = 0,
    ChaCha20Poly1305 = 1,
    Aes256Gcm = 2,
    Aegis128L = 4,
}
