using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// Compaction: give back the space of dead records. First what costs no writes (a segment's dead tail is cut,
/// a segment with nothing live is deleted), then segments are rewritten smallest-live-first
/// (<see cref="PackRewriter"/>), so on a nearly full disk each step frees room for the next. A segment goes only
/// once every valid record in it was copied or is dead and every damaged run in it was copied to quarantine.
/// Caller holds <see cref="PackState.WriteLock"/> for the whole of <see cref="Compact"/>.
/// </summary>
internal sealed class PackCompactor(PackState state, PackManifestKeeper manifest, PackSegmentWriter writer)
{
    private readonly PackRewriter _rewriter = new(state, manifest, writer);

    /// <summary>See <see cref="PackBlockStore.Compact"/>. Caller holds the lock and has checked the store is open.</summary>
    public PackCompactionResult Compact(double garbageThreshold, CancellationToken cancellationToken)
    {
        var report = new PackCompactionReport();
        foreach (var segment in state.Segments.Values.OrderBy(static s => s.LiveBytes).ThenBy(static s => s.Id).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            TrimDeadTail(segment, report);
        }
        var candidates = state.Segments.Values
            .Where(s => s.GarbageBytes > 0 && s.GarbageBytes >= garbageThreshold * s.Length)
            .OrderBy(static s => s.LiveBytes)
            .ThenBy(static s => s.Id)
            .ToList();
        foreach (var segment in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_rewriter.Rewrite(segment, report))
                break;
        }
        if (report.Rewritten > 0 || report.Reclaimed > 0)
            state.SnapshotStale = true;
        return report.ToResult();
    }

    /// <summary>
    /// Cuts the records after a segment's last live one (deletes the file when nothing in it is live), which
    /// needs no free space: what lets gc undo a failed add on a full disk. Damage in the tail is copied to
    /// quarantine first; if that fails the tail stays.
    /// </summary>
    private void TrimDeadTail(PackSegment segment, PackCompactionReport report)
    {
        long liveEnd = 0;
        foreach (var (_, location) in state.Index)
        {
            if (location.Segment == segment.Id)
                liveEnd = Math.Max(liveEnd, location.Offset + location.RecordSize);
        }
        if (liveEnd >= segment.Length)
            return;
        var damaged = new List<PackDamage>();
        var tailPuts = new HashSet<Multihash>();
        var tombstones = new List<Multihash>();
        PackScanner.Scan(segment.Handle, segment.Length, record =>
        {
            if (record.Tombstone)
                tombstones.Add(record.Key);
            else
                tailPuts.Add(record.Key);
        }, damaged.Add, liveEnd);
        foreach (var damage in damaged)
        {
            if (!damage.Torn && PackScanner.TrySalvage(segment.Handle, damage) is null && !report.QuarantineRun(state, segment, damage))
                return;
        }
        var freed = segment.Length - liveEnd;
        if (liveEnd == 0 && !ReferenceEquals(segment, state.Active))
        {
            writer.DropSegment(segment);
        }
        else
        {
            writer.MarkShrinking();
            manifest.Save(s => ReferenceEquals(s, segment) ? liveEnd : s.Length); // the cut is recorded before it is made
            RandomAccess.SetLength(segment.Handle, liveEnd);
            Posix.FsyncFile(segment.Handle, segment.Path);
            segment.Length = liveEnd;
            segment.DurableLength = liveEnd;
        }
        report.Reclaimed += freed;
        // A tombstone whose put went with the tail is not needed; one hiding an older put is appended again
        // (it fits: the cut gave back more than it takes). If even that fails, a crash before the next clean
        // close could bring the deleted, unpinned block back for the next gc to remove.
        Span<byte> buffer = stackalloc byte[PackRecord.HeaderSize + PackRecord.MaxKeyLength];
        foreach (var key in tombstones.Where(k => !tailPuts.Contains(k) && !state.Index.ContainsKey(k)).Distinct())
        {
            PackRecord.WriteHeader(buffer, tombstone: true, key.Bytes, 0);
            try
            {
                writer.Append(buffer[..(PackRecord.HeaderSize + key.Length)], key.Length, 0, key.ToString());
                report.Reclaimed -= PackRecord.HeaderSize + key.Length;
            }
            catch (IOException e) when (PackSegmentWriter.IsDiskFull(e))
            {
                break;
            }
        }
    }
}
