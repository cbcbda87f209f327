using System.Buffers.Binary;
using System.Text.RegularExpressions;
using P2P.Fuzz.Engine;
using P2P.Node.Content.Car;
using P2P.Node.Multiformats;

namespace P2P.Fuzz.Targets;

/// <summary>
/// CarReader (CARv1 and the v1 payload of CARv2) and CarImporter.VerifyAsync, which `dag import` and the gateway's
/// CAR path run on untrusted files. An accepted CAR is written again with <see cref="CarWriter"/> and must read
/// back to the same roots and the same blocks in the same order, and writing that copy again must give the same
/// bytes. Verification may refuse what the reader accepted (a block that does not match its CID) but never the
/// reverse, and both refuse only with <see cref="InvalidDataException"/>.
/// </summary>
public sealed partial class CarTarget : IFuzzTarget
{
    /// <summary>The CARv2 pragma: varint 10, then the dag-cbor map {"version": 2}.</summary>
    private static readonly byte[] V2Pragma = [0x0A, 0xA1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6F, 0x6E, 0x02];

    public string Name => "car";

    public int MaxInputLength => 32 * 1024;

    public IReadOnlyList<byte[]> Dictionary { get; } =
    [
        V2Pragma, [0xA2, 0x65, 0x72, 0x6F, 0x6F, 0x74, 0x73], [0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6F, 0x6E, 0x01],
        [0xD8, 0x2A], [0x58, 0x25, 0x00], [0x01, 0x55, 0x12, 0x20], [0x01, 0x70, 0x12, 0x20], [0x12, 0x20], [0x81], [0x80],
    ];

    public string Execute(ReadOnlySpan<byte> input)
    {
        var bytes = input.ToArray();
        CarHeader header;
        List<CarBlock> blocks;
        try
        {
            (header, blocks) = Read(bytes);
        }
        catch (InvalidDataException e)
        {
            try
            {
                Verify(bytes);
            }
            catch (InvalidDataException)
            {
                return "rejected: " + Label(e.Message);
            }
            throw new FuzzInvariantException("VerifyAsync accepted a CAR the reader rejects");
        }
        string verified;
        try
        {
            Verify(bytes);
            verified = "verified";
        }
        catch (InvalidDataException)
        {
            verified = "unverified";
        }
        var copy = Write(header.Roots, blocks);
        var (copyHeader, copyBlocks) = Read(copy);
        if (!copyHeader.Roots.SequenceEqual(header.Roots) || copyHeader.Version != 1)
            throw new FuzzInvariantException("a re-written CAR reads back with different roots or version");
        if (copyBlocks.Count != blocks.Count)
            throw new FuzzInvariantException($"a re-written CAR of {blocks.Count} blocks reads back {copyBlocks.Count}");
        for (var i = 0; i < blocks.Count; i++)
        {
            if (!copyBlocks[i].Cid.Equals(blocks[i].Cid) || !copyBlocks[i].Data.Span.SequenceEqual(blocks[i].Data.Span))
                throw new FuzzInvariantException($"block {i} of a re-written CAR differs");
        }
        if (!Write(copyHeader.Roots, copyBlocks).AsSpan().SequenceEqual(copy))
            throw new FuzzInvariantException("writing a CAR twice gives different bytes");
        return $"ok v{header.Version} roots {Math.Min(header.Roots.Count, 3)} blocks {Math.Min(blocks.Count, 3)} {verified}";
    }

    /// <summary>CIDs in error messages come from the input; folded so the outcome label is a class of behaviour.</summary>
    [GeneratedRegex("(?<![A-Za-z0-9])(b[a-z2-7]{16,}|Qm[1-9A-HJ-NP-Za-km-z]{16,}|[zfFuUmM][0-9A-Za-z+/=_-]{16,})")]
    private static partial Regex CidText();

    /// <summary>The rejection without the input it quotes (a header key may itself contain a quote).</summary>
    private static string Label(string message)
    {
        var label = CidText().Replace(message, "CID");
        var quote = label.IndexOf('\'', StringComparison.Ordinal);
        return quote < 0 ? label : label[..quote];
    }

    private static (CarHeader Header, List<CarBlock> Blocks) Read(byte[] car)
    {
        using var stream = new MemoryStream(car, writable: false);
        var reader = new CarReader(stream);
        // A MemoryStream completes every read synchronously, so blocking here never waits.
        var header = reader.ReadHeaderAsync().GetAwaiter().GetResult();
        var blocks = new List<CarBlock>();
        while (reader.ReadBlockAsync().AsTask().GetAwaiter().GetResult() is { } block)
            blocks.Add(block);
        return (header, blocks);
    }

    private static void Verify(byte[] car)
    {
        using var stream = new MemoryStream(car, writable: false);
        CarImporter.VerifyAsync(stream).GetAwaiter().GetResult();
    }

    private static byte[] Write(IReadOnlyList<Cid> roots, IReadOnlyList<CarBlock> blocks)
    {
        using var stream = new MemoryStream();
        var writer = new CarWriter(stream);
        writer.WriteHeaderAsync(roots).AsTask().GetAwaiter().GetResult();
        foreach (var block in blocks)
            writer.WriteBlockAsync(block.Cid, block.Data).AsTask().GetAwaiter().GetResult();
        return stream.ToArray();
    }

    public IEnumerable<byte[]> Seeds()
    {
        var leaf = "car leaf"u8.ToArray();
        var leafCid = Cid.V1(Multicodec.Raw, Multihash.Sha256(leaf));
        yield return Write([leafCid], [new CarBlock(leafCid, leaf)]);
        yield return Write([Samples.CidV0, Samples.CidRaw], [new CarBlock(leafCid, leaf), new CarBlock(Samples.CidIdentity, "tiny"u8.ToArray())]);
        yield return Write([leafCid], []);
        // A CARv2 around the first CAR: pragma, characteristics, data offset and size, no index.
        var inner = Write([leafCid], [new CarBlock(leafCid, leaf)]);
        var v2 = new byte[V2Pragma.Length + 40 + inner.Length];
        V2Pragma.CopyTo(v2, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(v2.AsSpan(V2Pragma.Length + 16), (ulong)(V2Pragma.Length + 40));
        BinaryPrimitives.WriteUInt64LittleEndian(v2.AsSpan(V2Pragma.Length + 24), (ulong)inner.Length);
        inner.CopyTo(v2, V2Pragma.Length + 40);
        yield return v2;
    }
}
