using NSec.Cryptography;

namespace P2P.Node.Security;

/// <summary>Maps <see cref="CipherSuite"/> to NSec algorithms and picks the suite both sides support.</summary>
public static class CipherSuites
{
    /// <summary>Fastest first: AEGIS-128L ≈ 16 GB/s, AES-256-GCM ≈ 4 GB/s, ChaCha20-Poly1305 ≈ 1.6 GB/s on 256 KiB here.</summary>
    private static readonly CipherSuite[] Preference = [CipherSuite.Aegis128L, CipherSuite.Aes256Gcm, CipherSuite.ChaCha20Poly1305];

    /// <summary>
    /// Suites this process can run. AES-256-GCM in libsodium needs AES-NI and CLMUL, hence the runtime check;
    /// AEGIS-128L and ChaCha20-Poly1305 have portable implementations in libsodium.
    /// </summary>
    public static CipherSuite Supported { get; } =
        CipherSuite.ChaCha20Poly1305 | CipherSuite.Aegis128L | (Aes256Gcm.IsSupported ? CipherSuite.Aes256Gcm : CipherSuite.None);

    /// <summary>The most preferred suite present in both sets, or <see cref="CipherSuite.None"/>.</summary>
    public static CipherSuite Choose(CipherSuite offered, CipherSuite local)
    {
        var common = offered & local & Supported;
        foreach (var suite in Preference)
        {
            if ((common & suite) != 0)
                return suite;
        }
        return CipherSuite.None;
    }

    /// <summary>True when <paramref name="suite"/> is exactly one known suite.</summary>
    public static bool IsSingle(CipherSuite suite) => suite is CipherSuite.Aegis128L or CipherSuite.Aes256Gcm or CipherSuite.ChaCha20Poly1305;

    internal static AeadAlgorithm Algorithm(CipherSuite suite) => suite switch
    {
        CipherSuite.Aegis128L => AeadAlgorithm.Aegis128L,
        CipherSuite.Aes256Gcm => AeadAlgorithm.Aes256Gcm,
        CipherSuite.ChaCha20Poly1305 => AeadAlgorithm.ChaCha20Poly1305,
        _ => throw new ArgumentOutOfRangeException(nameof(suite), suite, "not a single cipher suite"),
    };
}
