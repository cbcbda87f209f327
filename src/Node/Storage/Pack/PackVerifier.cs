using System.Collections.Concurrent;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// `repo verify` for a pack store: reads every live record whole, checks its header and key against the index,
/// and re-hashes its data, in parallel (positional reads and SHA-256 both scale with cores); then reports the
/// damage in the segments and in quarantine that no index entry points at (<see cref="PackDamageFinder"/>).
/// </summary>
internal static class PackVerifier
{
    public static VerifyResult Verify(PackBlockStore store, CancellationToken cancellationToken)
    {
        var corrupted = new ConcurrentBag<Cid>();
        var unreadable = new ConcurrentBag<UnreadableBlock>(store.OpenProblems);
        var checkedCount = 0;
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.ForEach(store.IndexSnapshot(), options, entry =>
        {
            var (key, location) = entry;
            if (!store.TryGetSegment(location.Segment, out var segment))
            {
                if (store.IsIndexedAt(key, location)) // not merely compacted away since the snapshot was taken
                    unreadable.Add(new UnreadableBlock($"segment {location.Segment}", $"block {Cid.V1(Multicodec.Raw, key)} is indexed in a segment that is gone"));
                return;
            }
            var where = $"{segment.Path}@{location.Offset}";
            if (key.Code is not (Multicodec.Sha2_256 or Multicodec.Blake3 or Multicodec.Identity))
            {
                unreadable.Add(new UnreadableBlock(where, $"unsupported hash function {Multicodec.Name(key.Code)}"));
                return;
            }
            var record = GC.AllocateUninitializedArray<byte>(location.RecordSize);
            try
            {
                if (PackScanner.ReadFully(segment.Handle, record, location.Offset) != record.Length)
                {
                    unreadable.Add(new UnreadableBlock(where, "segment ends inside the record"));
                    return;
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                unreadable.Add(new UnreadableBlock(where, e.Message));
                return;
            }
            Interlocked.Increment(ref checkedCount);
            var header = record.AsSpan(0, PackRecord.HeaderSize);
            var storedKey = record.AsSpan(PackRecord.HeaderSize, location.KeyLength);
            // A damaged header or key makes the record unfindable after the next rebuild: report it as corrupt
            // under the block's name, since that is what the user must re-fetch.
            var intact = PackRecord.TryParseHeader(header, out var tombstone, out var keyLength, out var dataLength, out _)
                && !tombstone && keyLength == location.KeyLength && dataLength == location.DataLength
                && PackRecord.ChecksumMatches(header, storedKey) && storedKey.SequenceEqual(key.Bytes)
                && key.Matches(record.AsSpan(PackRecord.HeaderSize + location.KeyLength));
            if (!intact)
                corrupted.Add(Cid.V1(Multicodec.Raw, key));
        });
        foreach (var problem in PackDamageFinder.Find(store, cancellationToken))
            unreadable.Add(problem);
        var corruptList = corrupted.ToList();
        corruptList.Sort();
        var unreadableList = unreadable.OrderBy(static u => u.Path, StringComparer.Ordinal).ToList();
        return new VerifyResult(checkedCount, corruptList, unreadableList) { Lost = PackQuarantine.ListLost(store.RootDirectory) };
    }
}
