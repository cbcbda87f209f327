using P2P.Fuzz.Engine;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Targets;

/// <summary>
/// Multibase.TryDecode: accepted text is the one canonical spelling of its bytes, and the bytes re-encode in
/// every base and decode back to themselves.
/// </summary>
public sealed class MultibaseTarget : IFuzzTarget
{
    public string Name => "multibase";

    public int MaxInputLength => 512;

    public IReadOnlyList<byte[]> Dictionary { get; } = FuzzText.Tokens("b", "B", "z", "1", "11", "=", "a", "7", "2", "Z", "l", "0", "O", "I", "k", "K");

    public string Execute(ReadOnlySpan<byte> input)
    {
        var text = FuzzText.Decode(input);
        var bytes = Multibase.TryDecode(text, out var error);
        if (bytes is null)
        {
            if (string.IsNullOrEmpty(error))
                throw new FuzzInvariantException("Multibase.TryDecode failed without an error");
            return "rejected: " + error;
        }
        // Each byte string has exactly one encoding per base (base32 is case-insensitive): accepting another
        // spelling would give one CID several texts, and other implementations refuse such strings.
        var canonical = Multibase.Encode(char.ToLowerInvariant(text[0]), bytes);
        if (!string.Equals(canonical, text, StringComparison.OrdinalIgnoreCase) || (text[0] == 'z' && canonical != text))
            throw new FuzzInvariantException($"'{text}' decodes to {bytes.Length} bytes whose encoding is '{canonical}'");
        foreach (var prefix in new[] { Multibase.Base32Prefix, Multibase.Base58BtcPrefix, Base36.Prefix })
        {
            var encoded = Multibase.Encode(prefix, bytes);
            var back = Multibase.TryDecode(encoded, out var backError);
            if (back is null || !back.AsSpan().SequenceEqual(bytes))
                throw new FuzzInvariantException($"{bytes.Length} bytes from '{text}' do not round-trip through '{prefix}': {backError}");
        }
        return $"ok {text[0]}";
    }

    public IEnumerable<byte[]> Seeds() =>
    [
        FuzzText.Bytes(Multibase.Encode(Multibase.Base32Prefix, "hello"u8)),
        FuzzText.Bytes(Multibase.Encode(Multibase.Base58BtcPrefix, [0, 0, 1, 2, 3])),
        FuzzText.Bytes("B" + Multibase.EncodeBase32("HELLO"u8).ToUpperInvariant()),
        FuzzText.Bytes("z"),
        FuzzText.Bytes(Multibase.Encode(Base36.Prefix, [0, 0x72, 0, 0x24])),
    ];
}
