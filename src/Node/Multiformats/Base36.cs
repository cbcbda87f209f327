namespace P2P.Node.Multiformats;

/// <summary>
/// Multibase base36 (prefix 'k' lower-case, 'K' upper-case): the form kubo prints IPNS names and libp2p keys in
/// (<c>k51…</c>), short enough for a DNS label. A big-number conversion like base58's, with each leading zero byte
/// written as one '0' (the go-multibase and js-multiformats convention). Decoding is case-insensitive, as the
/// multibase table says of base36. Hand-written for the reason <see cref="Multibase"/> gives.
/// </summary>
public static class Base36
{
    public const char Prefix = 'k';
    public const char UpperPrefix = 'K';

    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>Longest input accepted, so a hostile string cannot cost quadratic time; CIDs are far shorter.</summary>
    public const int MaxEncodedLength = 1024;

    /// <summary>The lower-case base36 text of <paramref name="data"/>, without the multibase prefix.</summary>
    public static string Encode(ReadOnlySpan<byte> data) => BigRadix.Encode(data, Alphabet);

    /// <summary>The bytes of base36 text without its prefix (either case); null when a character is not base36.</summary>
    public static byte[]? TryDecode(ReadOnlySpan<char> text) =>
        text.Length > MaxEncodedLength ? null : BigRadix.Decode(text, Alphabet.Length, Alphabet[0], Digit);

    private static int Digit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => -1,
    };
}
