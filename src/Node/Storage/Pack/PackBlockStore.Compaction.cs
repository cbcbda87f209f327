using P2P.Node.Content;

namespace P2P.Node.Storage.Pack;

/// <summary>Compaction: rewrite the live records of wasteful segments at the end of the pack, then drop the segments.</summary>
public sealed partial class PackBlockStore
{
    /// <summary>Default share of garbage above which gc rewrites a segment.</summary>
    public const double DefaultGarbageThreshold = 0.25;

    /// <summary>
    /// Rewrites every segment whose garbage (superseded records and tombstones) exceeds
    /// <paramref name="garbageThreshold"/> of its length (0: any garbage at all). Crash-safe at every step:
    /// the live records are appended to the newest segment and fsynced, and only then does the index point at
    /// them and the old file go; after a crash in between, both copies exist and the rebuild keeps the later
    /// one. A tombstone is carried forward while an older segment could still hold the block it deletes.
    /// Blocks writers while it runs (gc already keeps adds out); readers keep going.
    /// </summary>
    public PackCompactionResult Compact(double garbageThreshold = DefaultGarbageThreshold, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(garbageThreshold);
        lock (_writeLock)
        {
            ThrowIfDisposed();
            var candidates = _segments.Values
                .Where(s => s.GarbageBytes > 0 && s.GarbageBytes >= garbageThreshold * s.Length)
                .OrderBy(static s => s.Id)
                .ToList();
            int rewritten = 0;
            long copied = 0, reclaimed = 0;
            foreach (var segment in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var bytesCopied = Rewrite(segment);
                rewritten++;
                copied += bytesCopied;
                reclaimed += segment.Length - bytesCopied;
            }
            return new PackCompactionResult(rewritten, copied, reclaimed);
        }
    }

    /// <summary>Copies one segment's live records (and still-needed tombstones) forward, then removes it. Returns bytes copied.</summary>
    private long Rewrite(PackSegment old)
    {
        if (ReferenceEquals(_active, old))
            _active = null; // appends (the copies included) go to a fresh segment numbered after every other
        var isOldest = _segments.Keys.Min() == old.Id;
        var moves = new List<(Multihash Key, PackLocation Location)>();
        var written = new HashSet<PackSegment>();
        long copied = 0;
        PackScanner.Scan(old.Handle, old.Length, record =>
        {
            bool keep;
            if (record.Tombstone)
                keep = !isOldest && !_index.ContainsKey(record.Key);
            else
                keep = _index.TryGetValue(record.Key, out var live) && live.Segment == old.Id && live.Offset == record.Offset;
            if (!keep)
                return;
            var bytes = GC.AllocateUninitializedArray<byte>(record.RecordSize);
            if (PackScanner.ReadFully(old.Handle, bytes, record.Offset) != bytes.Length)
                throw new InvalidDataException($"segment {old.Path} ends inside the record at offset {record.Offset}");
            var location = Append(bytes, record.KeyLength, record.DataLength, $"a compacted record of {old.Path}");
            written.Add(_active!);
            if (!record.Tombstone)
            {
                _active!.LiveBytes += bytes.Length;
                moves.Add((record.Key, location));
            }
            copied += bytes.Length;
        }, out _);
        // Records past a damaged header cannot be read; whatever the index still places there is lost with the file.
        foreach (var segment in written)
        {
            Posix.FsyncFile(segment.Handle, segment.Path);
            segment.Unsynced = false;
        }
        Posix.FsyncDirectory(RootDirectory);
        foreach (var (key, location) in moves)
            _index[key] = location;
        foreach (var (key, location) in _index)
        {
            if (location.Segment == old.Id)
                _index.TryRemove(key, out _);
        }
        _segments.TryRemove(old.Id, out _);
        File.Delete(old.Path);
        Posix.FsyncDirectory(RootDirectory);
        old.Dispose();
        return copied;
    }
}
