using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>Opening (snapshot or rebuild by scan, torn-tail repair) and clean close.</summary>
public sealed partial class PackBlockStore
{
    /// <summary>Names the format of a pack directory; a directory without it that holds flatfs shards is refused.</summary>
    public const string FormatFileName = "PACK";

    private const string FormatSpec = "p2p-pack/1";
    private const string DirtyMarkerName = ".dirty";

    private readonly List<UnreadableBlock> _openProblems = [];
    private readonly List<string> _recoveryNotes = [];

    /// <summary>Records recovered from a damaged header during the rebuild, rewritten once the store is open.</summary>
    private readonly List<(Multihash Key, PackLocation Location)> _salvaged = [];

    /// <summary>
    /// Opens (creating if needed) a pack directory. The caller must hold the repo lock. Loads the index snapshot
    /// after a clean close; otherwise scans every segment (see <see cref="Rebuild"/>).
    /// </summary>
    public PackBlockStore(string directory, SyncPolicy syncPolicy = SyncPolicy.Batch, long segmentSize = DefaultSegmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 4096);
        RootDirectory = Path.GetFullPath(directory);
        SyncPolicy = syncPolicy;
        SegmentSize = segmentSize;
        Directory.CreateDirectory(RootDirectory);
        CheckFormat();
        AtomicFile.RemoveTemporaryFiles(RootDirectory);
        try
        {
            OpenSegments();
            _marked = File.Exists(DirtyMarkerPath);
            // After a clean close the snapshot's lengths are exact; after a crash it is stale, and only the
            // manifest's floors count.
            var snapshot = _marked ? null : LoadSnapshot();
            var floors = LoadFloors(snapshot?.Lengths, out var manifestLoaded, out var manifest);
            // A snapshot of a clean close that matches the files exactly is the last word: nothing is lost, even
            // if the manifest disagrees (an older p2p, which does not keep it, compacted this store since).
            var usable = !_marked && SnapshotUsable(snapshot);
            if (floors is not null && !usable)
                FindLosses(floors);
            if (!usable)
            {
                _snapshotStale = true;
                Rebuild(floors ?? []);
            }
            foreach (var (_, location) in _index)
                _segments[location.Segment].LiveBytes += location.RecordSize;
            foreach (var (_, segment) in _segments)
                segment.DurableLength = _marked ? 0 : segment.Length; // after a crash, fsynced by the manifest write below
            if (_segments.Keys.DefaultIfEmpty(0).Max() is var last and > 0 && _segments[last].Length < SegmentSize)
                _active = _segments[last];
            var recorded = RecordLosses(snapshot?.Entries, clean: !_marked);
            // A repo from before the manifest gets one here, silently. When a loss could not be noted, the old
            // manifest stays so that the next open finds it again.
            if (recorded && (!manifestLoaded || !ManifestMatches(manifest)))
                TrySaveManifest();
            // A clean close's snapshot that did not match is of no more use, and left in place it would make an
            // open after a crash in this session report the same loss again. It is rewritten at clean close.
            if (recorded && !_marked && !usable && snapshot is not null)
                TryDeleteSnapshot();
            RewriteSalvaged();
        }
        catch
        {
            foreach (var (_, segment) in _segments)
                segment.Dispose();
            throw;
        }
    }

    private string DirtyMarkerPath => Path.Join(RootDirectory, DirtyMarkerName);

    private string SnapshotPath => Path.Join(RootDirectory, PackIndexFile.FileName);

    /// <summary>Fsyncs what was written (batch and always), saves the index snapshot, removes the dirty marker, closes the segments.</summary>
    public void Dispose()
    {
        lock (_writeLock)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        try
        {
            if (SyncPolicy != SyncPolicy.None)
                FlushAll();
            if (_marked || _snapshotStale || _manifestStale)
            {
                // Best effort: every removal and cut was recorded before it was done, so an older manifest still
                // holds true floors.
                TrySaveManifest();
                // Under the none policy the segments may not be on disk yet; the snapshot records their lengths,
                // so a snapshot that outlives its data is refused at open and the segments are scanned instead.
                var segments = _segments.Values.Select(static s => (s.Id, s.Length)).ToList();
                PackIndexFile.Save(SnapshotPath, segments, _index.ToArray());
                if (File.Exists(DirtyMarkerPath))
                    File.Delete(DirtyMarkerPath);
            }
        }
        finally
        {
            foreach (var (_, segment) in _segments)
                segment.Dispose();
        }
    }

    /// <summary>Test seam for a crash: closes the segment handles without a snapshot, leaving the dirty marker.</summary>
    internal void AbandonForTests()
    {
        lock (_writeLock)
            _disposed = true;
        foreach (var (_, segment) in _segments)
            segment.Dispose();
    }

    /// <summary>Fsyncs every segment written since the last flush, and the directory; used at close.</summary>
    private void FlushAll()
    {
        foreach (var (_, segment) in _segments)
        {
            if (segment.Unsynced)
            {
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.Unsynced = false;
                segment.UnflushedBytes = 0;
            }
            segment.DurableLength = segment.Length;
        }
        Posix.FsyncDirectory(RootDirectory);
        _directoryUnsynced = false;
    }

    /// <summary>
    /// Creates the dirty marker, durably, before the first byte of this session reaches a segment (even under
    /// the none policy: it is once per session, and a lost marker would let a stale snapshot be trusted).
    /// </summary>
    private void MarkDirty()
    {
        using (var handle = File.OpenHandle(DirtyMarkerPath, FileMode.OpenOrCreate, FileAccess.Write))
            Posix.FsyncFile(handle, DirtyMarkerPath);
        Posix.FsyncDirectory(RootDirectory);
        _marked = true;
    }

    private void CheckFormat()
    {
        var format = Path.Join(RootDirectory, FormatFileName);
        if (File.Exists(format))
        {
            var spec = File.ReadAllText(format).Trim();
            if (spec != FormatSpec)
                throw new InvalidDataException($"block directory {RootDirectory} holds pack format '{spec}', but p2p only knows '{FormatSpec}'");
            return;
        }
        if (File.Exists(Path.Join(RootDirectory, "SHARDING")))
            throw new InvalidDataException($"block directory {RootDirectory} is a flatfs store, not a pack store");
        AtomicFile.Write(format, System.Text.Encoding.ASCII.GetBytes(FormatSpec + "\n"));
    }

    private void OpenSegments()
    {
        foreach (var path in Directory.EnumerateFiles(RootDirectory, PackSegment.Prefix + "*" + PackSegment.Extension))
        {
            var id = PackSegment.ParseId(Path.GetFileName(path));
            if (id < 0)
                continue;
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            _segments[id] = new PackSegment(id, path, handle, RandomAccess.GetLength(handle));
        }
    }

    /// <summary>The snapshot of the last clean close, if it is there and passes its checks (used only when it matches the files).</summary>
    private (Dictionary<int, long> Lengths, Dictionary<Multihash, PackLocation> Entries)? LoadSnapshot()
    {
        if (!File.Exists(SnapshotPath))
        {
            if (!_segments.IsEmpty)
                _recoveryNotes.Add("no index snapshot: rebuilt the index by scanning the segments");
            return null;
        }
        if (!PackIndexFile.TryLoad(SnapshotPath, out var lengths, out var entries, out var error))
        {
            _recoveryNotes.Add($"{error}: rebuilt the index by scanning the segments");
            return null;
        }
        return (lengths, entries);
    }

    private void TryDeleteSnapshot()
    {
        try
        {
            File.Delete(SnapshotPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _recoveryNotes.Add($"could not remove the stale index snapshot: {e.Message}");
        }
    }

    /// <summary>Takes the snapshot only if it names exactly the segments on disk, at exactly their lengths.</summary>
    private bool SnapshotUsable((Dictionary<int, long> Lengths, Dictionary<Multihash, PackLocation> Entries)? snapshot)
    {
        if (snapshot is not { } loaded)
            return _segments.IsEmpty && !File.Exists(SnapshotPath);
        var (lengths, entries) = loaded;
        if (lengths.Count != _segments.Count || lengths.Any(l => !_segments.TryGetValue(l.Key, out var s) || s.Length != l.Value))
        {
            _recoveryNotes.Add("index snapshot does not match the segment files: rebuilt the index by scanning them");
            return false;
        }
        foreach (var (key, location) in entries)
            _index[key] = location;
        return true;
    }

    /// <summary>
    /// Replays every segment in order, so the latest record of a key wins (a put after a delete, or a copy made
    /// by an interrupted compaction). Damage never ends a scan (<see cref="PackScanner"/> resynchronises):
    /// a record whose header alone is hurt is recovered when its data still hashes to its key; any other damaged
    /// run is copied to quarantine and reported by <see cref="OpenProblems"/> and `repo verify`, and the records
    /// after it are kept. Only what an interrupted append leaves at the very end of the last segment, past the
    /// length the manifest recorded for it (<paramref name="floors"/>), is cut; and the record cut in two where a
    /// segment lost its tail (already recorded as a loss, and its block named).
    /// </summary>
    private void Rebuild(Dictionary<int, long> floors)
    {
        var ids = _segments.Keys.Order().ToList();
        var index = new Dictionary<Multihash, PackLocation>();
        foreach (var id in ids)
        {
            var segment = _segments[id];
            var last = id == ids[^1];
            var floor = floors.GetValueOrDefault(id);
            var cutShort = _losses.FirstOrDefault(l => l.Segment == id);
            PackDamage? tail = null;
            PackScanner.Scan(segment.Handle, segment.Length, record =>
            {
                if (record.Tombstone)
                    index.Remove(record.Key);
                else
                    index[record.Key] = new PackLocation(id, record.Offset, record.KeyLength, record.DataLength);
            }, damage =>
            {
                if (damage.Torn && ((last && damage.Start >= floor) || cutShort is not null))
                {
                    tail = damage;
                    return;
                }
                if (PackScanner.TrySalvage(segment.Handle, damage) is { } salvaged)
                {
                    var location = new PackLocation(id, salvaged.Offset, salvaged.KeyLength, salvaged.DataLength);
                    index[salvaged.Key] = location;
                    _salvaged.Add((salvaged.Key, location));
                    _recoveryNotes.Add($"{segment.Path}@{damage.Start}: the header of the record of {salvaged.Key} was damaged ({damage.Reason}); its data matches its hash, so it was recovered");
                    return;
                }
                var kept = PackQuarantine.Save(RootDirectory, segment, damage);
                _openProblems.Add(DamageReport(segment, damage, kept));
                if (kept && damage.End == segment.Length && last)
                    tail = damage; // copied out, so the junk at the end can go and appends start clean
            });
            if (tail is { } cut)
            {
                _recoveryNotes.Add($"{segment.Path}: cut {cut.Length} bytes after offset {cut.Start} ({cut.Reason})");
                RandomAccess.SetLength(segment.Handle, cut.Start);
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.Length = cut.Start;
                if (cutShort is not null)
                    cutShort.From = Math.Min(cutShort.From, cut.Start);
            }
        }
        foreach (var (key, location) in index)
            _index[key] = location;
    }

    /// <summary>How a damaged run is reported: where, why, and where its bytes went.</summary>
    private UnreadableBlock DamageReport(PackSegment segment, PackDamage damage, bool quarantined) =>
        new($"{segment.Path}@{damage.Start}", $"{damage.Length} damaged bytes ({damage.Reason}); the blocks in them are lost"
            + (quarantined ? $", the bytes are kept in {PackQuarantine.PathFor(RootDirectory, segment, damage.Start)}" : ", and could not be copied out, so the segment is kept"));

    /// <summary>
    /// Writes a fresh copy (with a good header) of each record recovered at open, so the damaged one becomes
    /// garbage that compaction drops. Best effort: on failure the index keeps pointing at the recovered data.
    /// </summary>
    private void RewriteSalvaged()
    {
        foreach (var (key, location) in _salvaged)
        {
            if (!_index.TryGetValue(key, out var current) || current != location)
                continue;
            try
            {
                var data = ReadData(_segments[location.Segment], location);
                var record = new byte[location.RecordSize];
                PackRecord.WriteHeader(record, tombstone: false, key.Bytes, data.Length);
                data.CopyTo(record.AsSpan(PackRecord.HeaderSize + key.Length));
                var moved = Append(record, key.Length, data.Length, $"a recovered copy of {key}");
                _active!.LiveBytes += record.Length;
                _segments[location.Segment].LiveBytes -= record.Length;
                _index[key] = moved;
            }
            catch (IOException e)
            {
                _recoveryNotes.Add($"could not rewrite the recovered record of {key}: {e.Message}");
            }
        }
        _salvaged.Clear();
    }
}
