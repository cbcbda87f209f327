using P2P.Fuzz.Engine;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Targets;

/// <summary>
/// Cid.TryRead / FromBytes (binary CIDs as dag-pb links, wire messages and CAR files carry them): an accepted CID
/// re-encodes to the bytes it consumed, and its text form parses back to an equal CID.
/// </summary>
public sealed class CidBytesTarget : IFuzzTarget
{
    public string Name => "cid-bytes";

    public int MaxInputLength => 256;

    public IReadOnlyList<byte[]> Dictionary { get; } = [[0x01, 0x70], [0x01, 0x55], [0x01, 0x72], [0x12, 0x20], [0x1E, 0x20], [0x00], [0x02]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        if (!Cid.TryRead(input, out var cid, out var consumed, out var error))
        {
            if (string.IsNullOrEmpty(error))
                throw new FuzzInvariantException("Cid.TryRead failed without an error");
            return "rejected: " + error;
        }
        if (cid is null || consumed <= 0 || consumed > input.Length)
            throw new FuzzInvariantException($"Cid.TryRead consumed {consumed} of {input.Length}");
        if (!cid.Bytes.SequenceEqual(input[..consumed]))
            throw new FuzzInvariantException("accepted CID re-encodes to other bytes");
        var text = cid.ToString();
        if (!Cid.TryParse(text, out var parsed, out var parseError))
            throw new FuzzInvariantException($"CID text '{text}' does not parse back: {parseError}");
        if (!parsed!.Equals(cid))
            throw new FuzzInvariantException($"CID text '{text}' parses to another CID");
        try
        {
            if (consumed == input.Length && !Cid.FromBytes(input).Equals(cid))
                throw new FuzzInvariantException("FromBytes and TryRead disagree");
        }
        catch (FormatException e)
        {
            throw new FuzzInvariantException("FromBytes rejected what TryRead accepted whole", e);
        }
        return $"ok v{cid.Version} {Multicodec.Name(cid.Codec)}";
    }

    public IEnumerable<byte[]> Seeds() => Samples.Cids.Select(c => c.Bytes.ToArray());
}
