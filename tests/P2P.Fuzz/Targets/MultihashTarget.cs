using P2P.Fuzz.Engine;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Targets;

/// <summary>Multihash.TryRead and Parse: accepted multihashes keep their bytes, and Parse agrees with TryRead.</summary>
public sealed class MultihashTarget : IFuzzTarget
{
    public string Name => "multihash";

    public int MaxInputLength => 256;

    public IReadOnlyList<byte[]> Dictionary { get; } = [[0x12, 0x20], [0x1E, 0x20], [0x00, 0x24], [0x00, 0x00], [0x13, 0x40]];

    public string Execute(ReadOnlySpan<byte> input)
    {
        if (!Multihash.TryRead(input, out var mh, out var consumed, out var error))
        {
            if (string.IsNullOrEmpty(error))
                throw new FuzzInvariantException("Multihash.TryRead failed without an error");
            return "rejected: " + error;
        }
        if (mh is null || consumed <= 0 || consumed > input.Length || !mh.Bytes.SequenceEqual(input[..consumed]))
            throw new FuzzInvariantException("accepted multihash does not keep the bytes it consumed");
        if (mh.Digest.Length > mh.Bytes.Length)
            throw new FuzzInvariantException("digest longer than the multihash");
        try
        {
            var parsed = Multihash.Parse(input[..consumed]);
            if (!parsed.Equals(mh))
                throw new FuzzInvariantException("Parse and TryRead disagree");
        }
        catch (FormatException e)
        {
            throw new FuzzInvariantException("Parse rejected what TryRead accepted", e);
        }
        return $"ok {Multicodec.Name(mh.Code)}";
    }

    public IEnumerable<byte[]> Seeds() =>
        [Samples.Sha256.Bytes.ToArray(), Multihash.Blake3("x"u8).Bytes.ToArray(), Multihash.Identity("id"u8).Bytes.ToArray(), Samples.Peer.Bytes.ToArray()];
}
