namespace P2P.Node.Storage.Pack;

/// <summary>
/// The part of `repo verify` that looks beyond the index: scans every segment's headers for damaged runs (a
/// damaged header makes a record invisible to the index, so re-hashing indexed blocks alone would call the
/// repo healthy), and lists what open or gc put in quarantine or noted as lost.
/// </summary>
internal static class PackDamageFinder
{
    public static List<UnreadableBlock> Find(PackBlockStore store, CancellationToken cancellationToken)
    {
        var found = new List<UnreadableBlock>();
        var index = store.IndexSnapshot();
        foreach (var segment in store.SegmentsSnapshot())
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                PackScanner.Scan(segment.Handle, segment.Length, static _ => { }, damage =>
                {
                    // A run the index points into is reported under the block's name by the record check.
                    if (index.Any(e => e.Value.Segment == segment.Id && e.Value.Offset >= damage.Start && e.Value.Offset < damage.End))
                        return;
                    // A record whose header alone is hurt, and whose block is live elsewhere or deleted: garbage.
                    if (PackScanner.TrySalvage(segment.Handle, damage) is not null)
                        return;
                    if (File.Exists(PackQuarantine.PathFor(store.RootDirectory, segment, damage.Start)))
                        return; // listed below with the quarantine
                    found.Add(new UnreadableBlock($"{segment.Path}@{damage.Start}",
                        $"{damage.Length} damaged bytes ({damage.Reason}); run `p2p repo gc` to copy them to quarantine and keep the records around them"));
                });
            }
            catch (ObjectDisposedException)
            {
                // Compacted away while being scanned.
            }
        }
        found.AddRange(PackQuarantine.List(store.RootDirectory));
        return found;
    }
}
