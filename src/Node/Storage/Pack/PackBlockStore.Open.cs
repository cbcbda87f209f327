using P2P.Node.Content;

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

    /// <summary>
    /// Opens (creating if needed) a pack directory. The caller must hold the repo lock. Loads the index snapshot
    /// after a clean close; otherwise scans every segment, truncating a torn tail of the last one.
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
            if (_marked || !TryLoadSnapshot())
            {
                _snapshotStale = true;
                Rebuild();
            }
            foreach (var (_, location) in _index)
                _segments[location.Segment].LiveBytes += location.RecordSize;
            if (_segments.Keys.DefaultIfEmpty(0).Max() is var last and > 0 && _segments[last].Length < SegmentSize)
                _active = _segments[last];
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
            if (_marked || _snapshotStale)
            {
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

    /// <summary>Takes the snapshot only if it names exactly the segments on disk, at exactly their lengths.</summary>
    private bool TryLoadSnapshot()
    {
        if (!File.Exists(SnapshotPath))
        {
            if (!_segments.IsEmpty)
                _recoveryNotes.Add("no index snapshot: rebuilt the index by scanning the segments");
            return _segments.IsEmpty;
        }
        if (!PackIndexFile.TryLoad(SnapshotPath, out var lengths, out var entries, out var error))
        {
            _recoveryNotes.Add($"{error}: rebuilt the index by scanning the segments");
            return false;
        }
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
    /// by an interrupted compaction). A bad record ends the scan of its segment: in the last segment that is a
    /// torn write, cut off; elsewhere it is damage, reported by <see cref="OpenProblems"/> and `repo verify`.
    /// </summary>
    private void Rebuild()
    {
        var ids = _segments.Keys.Order().ToList();
        var index = new Dictionary<Multihash, PackLocation>();
        foreach (var id in ids)
        {
            var segment = _segments[id];
            var end = PackScanner.Scan(segment.Handle, segment.Length, record =>
            {
                if (record.Tombstone)
                    index.Remove(record.Key);
                else
                    index[record.Key] = new PackLocation(id, record.Offset, record.KeyLength, record.DataLength);
            }, out var error);
            if (error is null)
                continue;
            if (id == ids[^1])
            {
                _recoveryNotes.Add($"{segment.Path}: cut {segment.Length - end} bytes after offset {end} ({error})");
                RandomAccess.SetLength(segment.Handle, end);
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.Length = end;
            }
            else
            {
                _openProblems.Add(new UnreadableBlock($"{segment.Path}@{end}", $"records from here on are unreadable: {error}"));
            }
        }
        foreach (var (key, location) in index)
            _index[key] = location;
    }
}
