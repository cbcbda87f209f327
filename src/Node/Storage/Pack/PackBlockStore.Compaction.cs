using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// Compaction: give back the space of dead records. First what costs no writes (a segment's dead tail is cut,
/// a segment with nothing live is deleted), then segments are rewritten smallest-live-first, so on a nearly full
/// disk each step frees room for the next. A segment goes only once every valid record in it was copied or is
/// dead and every damaged run in it was copied to quarantine.
/// </summary>
public sealed partial class PackBlockStore
{
    /// <summary>Default share of garbage above which gc rewrites a segment.</summary>
    public const double DefaultGarbageThreshold = 0.25;

    /// <summary>
    /// Rewrites every segment whose garbage (superseded records, tombstones, damage) exceeds
    /// <paramref name="garbageThreshold"/> of its length (0: any garbage at all). Crash-safe at every step:
    /// the live records are appended to the newest segment and fsynced, and only then does the index point at
    /// them and the old file go; after a crash in between, both copies exist and the rebuild keeps the later
    /// one. Blocks writers while it runs (gc already keeps adds out); readers keep going. A full disk does not
    /// throw: the result says which segment could not be moved and how much space it needs.
    /// </summary>
    public PackCompactionResult Compact(double garbageThreshold = DefaultGarbageThreshold, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(garbageThreshold);
        lock (_writeLock)
        {
            ThrowIfDisposed();
            var report = new CompactionReport();
            foreach (var segment in _segments.Values.OrderBy(static s => s.LiveBytes).ThenBy(static s => s.Id).ToList())
            {
                cancellationToken.ThrowIfCancellationRequested();
                TrimDeadTail(segment, report);
            }
            var candidates = _segments.Values
                .Where(s => s.GarbageBytes > 0 && s.GarbageBytes >= garbageThreshold * s.Length)
                .OrderBy(static s => s.LiveBytes)
                .ThenBy(static s => s.Id)
                .ToList();
            foreach (var segment in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!Rewrite(segment, report))
                    break;
            }
            if (report.Rewritten > 0 || report.Reclaimed > 0)
                _snapshotStale = true;
            return new PackCompactionResult(report.Rewritten, report.Copied, report.Reclaimed)
            {
                Damaged = report.Damaged,
                Repaired = report.Repaired,
                Shortfall = report.Shortfall,
            };
        }
    }

    /// <summary>
    /// Cuts the records after a segment's last live one (deletes the file when nothing in it is live), which
    /// needs no free space: what lets gc undo a failed add on a full disk. Damage in the tail is copied to
    /// quarantine first; if that fails the tail stays.
    /// </summary>
    private void TrimDeadTail(PackSegment segment, CompactionReport report)
    {
        long liveEnd = 0;
        foreach (var (_, location) in _index)
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
            if (!damage.Torn && PackScanner.TrySalvage(segment.Handle, damage) is null && !QuarantineRun(segment, damage, report))
                return;
        }
        var freed = segment.Length - liveEnd;
        if (liveEnd == 0 && !ReferenceEquals(segment, _active))
        {
            DropSegment(segment);
        }
        else
        {
            MarkShrinking();
            SaveManifest(s => ReferenceEquals(s, segment) ? liveEnd : s.Length); // the cut is recorded before it is made
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
        foreach (var key in tombstones.Where(k => !tailPuts.Contains(k) && !_index.ContainsKey(k)).Distinct())
        {
            PackRecord.WriteHeader(buffer, tombstone: true, key.Bytes, 0);
            try
            {
                Append(buffer[..(PackRecord.HeaderSize + key.Length)], key.Length, 0, key.ToString());
                report.Reclaimed -= PackRecord.HeaderSize + key.Length;
            }
            catch (IOException e) when (IsDiskFull(e))
            {
                break;
            }
        }
    }

    /// <summary>Copies a damaged run to quarantine and reports it; false (segment to be kept) when the copy failed.</summary>
    private bool QuarantineRun(PackSegment segment, PackDamage damage, CompactionReport report)
    {
        var kept = PackQuarantine.Save(RootDirectory, segment, damage);
        report.Damaged.Add(DamageReport(segment, damage, kept));
        return kept;
    }

    /// <summary>Forgets a segment whose records are all copied or dead, and deletes its file. Caller holds the lock.</summary>
    private void DropSegment(PackSegment segment)
    {
        // Recorded as gone before it goes, so the next open does not take its absence for a loss.
        MarkShrinking();
        SaveManifest(s => ReferenceEquals(s, segment) ? -1 : s.Length);
        foreach (var (key, location) in _index)
        {
            if (location.Segment == segment.Id)
                _index.TryRemove(key, out _);
        }
        if (ReferenceEquals(_active, segment))
            _active = null;
        _segments.TryRemove(segment.Id, out _);
        File.Delete(segment.Path);
        Posix.FsyncDirectory(RootDirectory);
        segment.Dispose();
    }

    /// <summary>
    /// Sets the dirty marker before a segment is cut or deleted, even when nothing is appended: from then on the
    /// snapshot on disk describes files that are no longer there, and an open after a crash must not take its
    /// lengths for those of a clean close (it would report the compacted bytes as lost).
    /// </summary>
    private void MarkShrinking()
    {
        if (!_marked)
            MarkDirty();
    }

    /// <summary>What one compaction did, gathered as it goes. Under the write lock.</summary>
    private sealed class CompactionReport
    {
        public int Rewritten;
        public long Copied;
        public long Reclaimed;
        public readonly List<UnreadableBlock> Damaged = [];
        public readonly List<string> Repaired = [];
        public string? Shortfall;
    }
}
