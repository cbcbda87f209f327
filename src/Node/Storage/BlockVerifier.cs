using System.Collections.Concurrent;
using P2P.Node.Multiformats;
using P2P.Node.Storage.Pack;

namespace P2P.Node.Storage;

/// <summary>Re-hashes every block of a repo's store in parallel (reads and SHA-256 both scale with cores).</summary>
internal static class BlockVerifier
{
    /// <summary>Dispatches on the store kind: flatfs checks files, pack checks records (<see cref="PackVerifier"/>).</summary>
    public static VerifyResult Verify(IBlockStore store, CancellationToken cancellationToken) => store switch
    {
        FlatFsBlockStore flatfs => Verify(flatfs, cancellationToken),
        PackBlockStore pack => PackVerifier.Verify(pack, cancellationToken),
        _ => throw new ArgumentException($"repo verify does not know block store {store.GetType().Name}", nameof(store)),
    };

    public static VerifyResult Verify(FlatFsBlockStore store, CancellationToken cancellationToken)
    {
        var corrupted = new ConcurrentBag<Cid>();
        var unreadable = new ConcurrentBag<UnreadableBlock>();
        var checkedCount = 0;
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.ForEach(store.EnumerateBlockFiles(), options, file =>
        {
            if (file.Multihash is not { } multihash)
            {
                unreadable.Add(new UnreadableBlock(file.Path, "file name is not a block key"));
                return;
            }
            if (multihash.Code is not (Multicodec.Sha2_256 or Multicodec.Blake3 or Multicodec.Identity))
            {
                unreadable.Add(new UnreadableBlock(file.Path, $"unsupported hash function {Multicodec.Name(multihash.Code)}"));
                return;
            }
            byte[]? data;
            try
            {
                data = FlatFsBlockStore.ReadFile(file.Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                unreadable.Add(new UnreadableBlock(file.Path, e.Message));
                return;
            }
            if (data is null)
                return; // removed since it was listed
            Interlocked.Increment(ref checkedCount);
            if (!multihash.Matches(data))
                corrupted.Add(Cid.V1(Multicodec.Raw, multihash));
        });
        var corruptList = corrupted.ToList();
        corruptList.Sort();
        var unreadableList = unreadable.OrderBy(static u => u.Path, StringComparer.Ordinal).ToList();
        return new VerifyResult(checkedCount, corruptList, unreadableList);
    }
}
