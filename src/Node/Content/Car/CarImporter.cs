using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Content.Car;

/// <summary>
/// Stores the blocks of a CAR, each checked against its CID before it is put.
/// All or nothing where the input allows it: when the stream can seek (a file), the whole CAR is read and every
/// block verified first, and only if that succeeds is it read again and stored, so a truncated, malformed or
/// corrupted file stores nothing. A stream that cannot seek (stdin, an HTTP body) is stored as it is verified,
/// as kubo's `dag import` does; a failure then leaves the blocks before it stored but unpinned, for `repo gc`
/// to reclaim. Either way the error is an <see cref="InvalidDataException"/> naming the section and CID, and
/// roots are never pinned here: the caller pins them once the import has succeeded.
/// </summary>
public static class CarImporter
{
    /// <summary>Imports a CAR into <paramref name="store"/>; see the class remarks for what a failure leaves behind.</summary>
    public static async Task<CarImportResult> ImportAsync(
        Stream source, IBlockStore store, CarLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(store);
        if (source.CanSeek)
        {
            var start = source.Position;
            await ReadAsync(source, null, limits, cancellationToken);
            source.Position = start;
        }
        return await ReadAsync(source, store, limits, cancellationToken);
    }

    /// <summary>Reads a whole CAR and verifies every block without storing anything.</summary>
    public static Task<CarImportResult> VerifyAsync(Stream source, CarLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ReadAsync(source, null, limits, cancellationToken);
    }

    private static async Task<CarImportResult> ReadAsync(
        Stream source, IBlockStore? store, CarLimits? limits, CancellationToken cancellationToken)
    {
        var reader = new CarReader(source, limits);
        var header = await reader.ReadHeaderAsync(cancellationToken);
        var blocks = 0;
        long bytes = 0;
        while (await reader.ReadBlockAsync(cancellationToken) is { } block)
        {
            Verify(block, reader.SectionsRead - 1);
            store?.Put(block.Cid, block.Data.Span);
            blocks++;
            bytes += block.Data.Length;
        }
        return new CarImportResult(header.Roots, blocks, bytes);
    }

    private static void Verify(CarBlock block, int section)
    {
        var code = block.Cid.Multihash.Code;
        if (code is not (Multicodec.Sha2_256 or Multicodec.Blake3 or Multicodec.Identity))
        {
            throw new InvalidDataException(
                $"CAR section {section}: block {block.Cid} uses hash function {Multicodec.Name(code)}, which p2p cannot verify");
        }
        if (!block.Cid.Multihash.Matches(block.Data.Span))
            throw new InvalidDataException($"CAR section {section}: block {block.Cid} is corrupted: its bytes do not match its CID");
    }
}
