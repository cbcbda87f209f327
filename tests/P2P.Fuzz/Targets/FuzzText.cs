using System.Text;

namespace P2P.Fuzz.Targets;

/// <summary>Helpers shared by the targets: bytes to text, fixed identities and sample values for seeds.</summary>
internal static class FuzzText
{
    /// <summary>Text decoders take strings: invalid UTF-8 becomes U+FFFD, which is itself worth feeding them.</summary>
    public static string Decode(ReadOnlySpan<byte> input) => Encoding.UTF8.GetString(input);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static IReadOnlyList<byte[]> Tokens(params string[] tokens) => [.. tokens.Select(Bytes)];
}
