using P2P.Fuzz.Engine;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Targets;

/// <summary>Cid.TryParse / Parse on arbitrary text: an accepted CID prints to text that parses to an equal CID.</summary>
public sealed class CidTextTarget : IFuzzTarget
{
    public string Name => "cid-text";

    public int MaxInputLength => 600;

    public IReadOnlyList<byte[]> Dictionary { get; } = FuzzText.Tokens("Qm", "b", "B", "z", "bafy", "bafk", "zb2", "1", "0", "=", " ", "\u00e9", "\u0000");

    public string Execute(ReadOnlySpan<byte> input)
    {
        var text = FuzzText.Decode(input);
        if (!Cid.TryParse(text, out var cid, out var error))
        {
            if (string.IsNullOrEmpty(error))
                throw new FuzzInvariantException("Cid.TryParse failed without an error");
            try
            {
                Cid.Parse(text);
                throw new FuzzInvariantException("Parse accepted what TryParse rejected");
            }
            catch (FormatException)
            {
            }
            return "rejected: " + error;
        }
        var printed = cid!.ToString();
        if (!Cid.TryParse(printed, out var again, out var againError) || !again!.Equals(cid))
            throw new FuzzInvariantException($"'{printed}' (from '{text}') does not parse back: {againError}");
        if (!Cid.FromBytes(cid.Bytes).Equals(cid))
            throw new FuzzInvariantException("binary form does not round-trip");
        return $"ok v{cid.Version} {Multicodec.Name(cid.Codec)}";
    }

    public IEnumerable<byte[]> Seeds() =>
        Samples.Cids.Select(c => FuzzText.Bytes(c.ToString()))
            .Append(FuzzText.Bytes(Multibase.Encode(Multibase.Base58BtcPrefix, Samples.CidRaw.Bytes)))
            .Append(FuzzText.Bytes(Multibase.Encode(Multibase.Base32Prefix, Samples.CidRaw.Bytes).ToUpperInvariant()))
            .Append(FuzzText.Bytes(Samples.Peer.ToCidString()));
}
