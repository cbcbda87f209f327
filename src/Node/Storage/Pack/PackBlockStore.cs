using System.Buffers;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// A block store of append-only segment files (<c>pack-000001.dat</c>, …) instead of one file per block: on
/// ext4 creating a file costs far more than appending 256 KiB (see docs/STORAGE.md), so `add` and the block
/// exchange write here at close to sequential disk speed. Each record is self-describing (<see cref="PackRecord"/>),
/// so the in-memory index (multihash → segment, offset, length) can always be rebuilt by scanning; at clean
/// close it is saved as a snapshot (<see cref="PackIndexFile"/>) and the next open just loads it.
/// Writers are serialised by one lock and each record is one positional write; a record enters the index only
/// once its write has completed, so a reader never sees a partial block. Reads take no lock.
/// Deletes append a tombstone; <see cref="Compact"/> rewrites the live records of segments that are mostly
/// garbage and removes the old files. A <c>.dirty</c> marker, present from the first write of a session until
/// <see cref="Dispose"/>, tells the next open that the snapshot cannot be trusted and a torn tail may exist.
/// <para>
/// This type is the facade: it holds the lock around each operation and hands the work to the pieces that share
/// <see cref="PackState"/> (see docs/ARCHITECTURE.md): <see cref="PackOpener"/> (open, rebuild, losses),
/// <see cref="PackSegmentWriter"/> (appends, rolls, fsyncs), <see cref="PackManifestKeeper"/> (the segment
/// manifest), <see cref="PackReader"/> (reads) and <see cref="PackCompactor"/> (gc).
/// </para>
/// </summary>
public sealed class PackBlockStore : IBlockStore, IDisposable
{
    /// <summary>Largest block accepted (as <see cref="FlatFsBlockStore.MaxBlockSize"/>); a record header claiming more is corrupt.</summary>
    public const int MaxBlockSize = FlatFsBlockStore.MaxBlockSize;

    /// <summary>Segments roll over at this size: large enough for few files, small enough that compacting one is quick.</summary>
    public const long DefaultSegmentSize = 1L << 30;

    /// <summary>Default share of garbage above which gc rewrites a segment.</summary>
    public const double DefaultGarbageThreshold = 0.25;

    /// <summary>Names the format of a pack directory; a directory without it that holds flatfs shards is refused.</summary>
    public const string FormatFileName = "PACK";

    private readonly PackState _state;
    private readonly PackManifestKeeper _manifest;
    private readonly PackSegmentWriter _writer;
    private readonly PackLossRecorder _losses;
    private readonly PackCompactor _compactor;

    /// <summary>Set once, under <see cref="PackState.WriteLock"/>; every writer checks it under the same lock.</summary>
    private bool _disposed;

    /// <summary>
    /// Opens (creating if needed) a pack directory. The caller must hold the repo lock. Loads the index snapshot
    /// after a clean close; otherwise scans every segment (see <see cref="PackIndexRebuilder"/>).
    /// </summary>
    public PackBlockStore(string directory, SyncPolicy syncPolicy = SyncPolicy.Batch, long segmentSize = DefaultSegmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 4096);
        _state = new PackState(Path.GetFullPath(directory), syncPolicy, segmentSize);
        _manifest = new PackManifestKeeper(_state);
        _writer = new PackSegmentWriter(_state, _manifest);
        _losses = new PackLossRecorder(_state);
        _compactor = new PackCompactor(_state, _manifest, _writer);
        new PackOpener(_state, _manifest, _writer, _losses).Open();
    }

    public string RootDirectory => _state.RootDirectory;

    public SyncPolicy SyncPolicy => _state.SyncPolicy;

    /// <summary>The size at which a new segment is started.</summary>
    public long SegmentSize => _state.SegmentSize;

    /// <summary>Damaged segment regions found when the index was rebuilt at open (a torn tail of the last segment is repaired, not listed).</summary>
    public IReadOnlyList<UnreadableBlock> OpenProblems => _state.OpenProblems;

    /// <summary>What open had to repair: torn tails truncated, snapshot rejected. For logs; empty after a clean close.</summary>
    public IReadOnlyList<string> RecoveryNotes => _state.RecoveryNotes;

    /// <summary>
    /// Bytes found missing at this open, one line each (segment, bytes, blocks, the note recording it): for the
    /// daemon's log and the CLI's stderr. Later opens do not repeat them; `repo verify` does, until the note goes.
    /// </summary>
    public IReadOnlyList<string> LossWarnings => _losses.Warnings;

    public int Count => _state.Index.Count;

    public bool Has(Cid cid) => _state.Index.ContainsKey(cid.Multihash);

    public int GetSize(Cid cid) => _state.Index.TryGetValue(cid.Multihash, out var location) ? location.DataLength : -1;

    public byte[]? Get(Cid cid) => Get(cid.Multihash);

    /// <summary>The block in an array rented from <see cref="ReadPool"/>; see <see cref="IBlockStore.GetBuffer"/>.</summary>
    public BlockBuffer? GetBuffer(Cid cid) => PackReader.Rent(_state, cid.Multihash, ReadPool);

    /// <summary>Where <see cref="GetBuffer"/> rents its arrays; tests swap in a pool that poisons what is returned.</summary>
    internal ArrayPool<byte> ReadPool { get; set; } = ArrayPool<byte>.Shared;

    /// <summary>The bytes of the block stored under <paramref name="multihash"/>, or null.</summary>
    public byte[]? Get(Multihash multihash) => PackReader.Get(_state, multihash);

    public void Put(Cid cid, ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxBlockSize)
            throw new ArgumentException($"block {cid} is {data.Length} bytes, more than the {MaxBlockSize} allowed", nameof(data));
        var key = cid.Multihash;
        PackLocation? damaged = null;
        if (_state.Index.TryGetValue(key, out var held))
        {
            if (!MustRepair(key, data))
                return;
            damaged = held;
        }
        // The record is assembled outside the lock so the copy overlaps other writers' writes.
        var size = PackRecord.Size(key.Length, data.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            PackRecord.WriteHeader(buffer, tombstone: false, key.Bytes, data.Length);
            data.CopyTo(buffer.AsSpan(PackRecord.HeaderSize + key.Length));
            lock (_state.WriteLock)
            {
                ThrowIfDisposed();
                // Another writer stored it, or repaired it, since the check above.
                if (_state.Index.TryGetValue(key, out var now) && now != damaged)
                    return;
                var location = _writer.Append(buffer.AsSpan(0, size), key.Length, data.Length, cid.ToString());
                _state.Active!.LiveBytes += size;
                _state.Index[key] = location;
                // The damaged record is garbage now, for compaction to drop; a rebuild keeps the later record.
                if (damaged is { } old && _state.Segments.TryGetValue(old.Segment, out var segment))
                    segment.LiveBytes -= old.RecordSize;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Whether a block already held must be written again: its record's data differs from <paramref name="data"/>
    /// (damaged in the segment), and <paramref name="data"/> is the block. So a re-add repairs it,
    /// where "indexed" alone would keep the damage for good. Only puts of blocks already held pay for it: a read and
    /// a compare, and a hash only when they differ.
    /// </summary>
    private bool MustRepair(Multihash key, ReadOnlySpan<byte> data)
    {
        try
        {
            if (PackReader.Get(_state, key) is { } stored && data.SequenceEqual(stored))
                return false;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException)
        {
            // Unreadable counts as damaged: the good bytes are appended and indexed instead.
        }
        return key.Matches(data);
    }

    public bool Delete(Cid cid) => Delete(cid.Multihash);

    /// <summary>Removes the block stored under <paramref name="multihash"/> by appending a tombstone; false if it was not there.</summary>
    public bool Delete(Multihash multihash)
    {
        Span<byte> record = stackalloc byte[PackRecord.HeaderSize + PackRecord.MaxKeyLength];
        lock (_state.WriteLock)
        {
            ThrowIfDisposed();
            if (!_state.Index.TryGetValue(multihash, out var location))
                return false;
            PackRecord.WriteHeader(record, tombstone: true, multihash.Bytes, 0);
            try
            {
                _writer.Append(record[..(PackRecord.HeaderSize + multihash.Length)], multihash.Length, 0, multihash.ToString());
            }
            catch (IOException e) when (PackSegmentWriter.IsDiskFull(e))
            {
                // No room for the tombstone. Deleting is how gc makes room, so it must not need any: the block
                // leaves the index (and the snapshot written at close) all the same. Only a crash before the next
                // clean close could bring it back, as an unpinned block the next gc removes again.
                _state.SnapshotStale = true;
            }
            _state.Index.TryRemove(multihash, out _);
            if (_state.Segments.TryGetValue(location.Segment, out var segment))
                segment.LiveBytes -= location.RecordSize;
            return true;
        }
    }

    public IEnumerable<Multihash> EnumerateMultihashes() => _state.Index.Keys;

    /// <summary>Blocks held and the sum of their sizes (what `repo stat` reports), and the bytes the segment files take.</summary>
    public (long Blocks, long BlockBytes, long FileBytes) Stat()
    {
        long blockBytes = 0;
        foreach (var (_, location) in _state.Index)
            blockBytes += location.DataLength;
        long fileBytes = 0;
        lock (_state.WriteLock)
        {
            foreach (var (_, segment) in _state.Segments)
                fileBytes += segment.Length;
        }
        return (_state.Index.Count, blockBytes, fileBytes);
    }

    /// <summary>Under <see cref="SyncPolicy.Batch"/>, fsyncs each segment written since the last flush (one fsync per segment, not per block).</summary>
    public void Flush() => _writer.Flush();

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
        lock (_state.WriteLock)
        {
            ThrowIfDisposed();
            return _compactor.Compact(garbageThreshold, cancellationToken);
        }
    }

    /// <summary>Fsyncs what was written (batch and always), saves the index snapshot, removes the dirty marker, closes the segments.</summary>
    public void Dispose()
    {
        lock (_state.WriteLock)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        // No writer gets past ThrowIfDisposed from here on, so the rest runs without the lock.
        try
        {
            if (SyncPolicy != SyncPolicy.None)
                _writer.FlushAll();
            if (_writer.Marked || _state.SnapshotStale || _manifest.Stale)
            {
                // Best effort: every removal and cut was recorded before it was done, so an older manifest still
                // holds true floors.
                _manifest.TrySave();
                // Under the none policy the segments may not be on disk yet; the snapshot records their lengths,
                // so a snapshot that outlives its data is refused at open and the segments are scanned instead.
                var segments = _state.Segments.Values.Select(static s => (s.Id, s.Length)).ToList();
                PackIndexFile.Save(_state.SnapshotPath, segments, _state.Index.ToArray());
                if (File.Exists(_state.DirtyMarkerPath))
                    File.Delete(_state.DirtyMarkerPath);
            }
        }
        finally
        {
            foreach (var (_, segment) in _state.Segments)
                segment.Dispose();
        }
    }

    /// <summary>Test seam for a crash: closes the segment handles without a snapshot, leaving the dirty marker.</summary>
    internal void AbandonForTests()
    {
        lock (_state.WriteLock)
            _disposed = true;
        foreach (var (_, segment) in _state.Segments)
            segment.Dispose();
    }

    /// <summary>Test seam for a full disk: appends fail with ENOSPC once the segments would exceed this many bytes.</summary>
    internal long? CapacityLimitForTests
    {
        get => _writer.CapacityLimitForTests;
        set => _writer.CapacityLimitForTests = value;
    }

    /// <summary>A copy of the index, for verify and tests.</summary>
    internal KeyValuePair<Multihash, PackLocation>[] IndexSnapshot() => _state.Index.ToArray();

    internal bool TryGetSegment(int id, out PackSegment segment) => _state.Segments.TryGetValue(id, out segment!);

    /// <summary>The open segments, in id order, for verify's scan.</summary>
    internal List<PackSegment> SegmentsSnapshot() => _state.Segments.Values.OrderBy(static s => s.Id).ToList();

    /// <summary>True while the index still places <paramref name="key"/> at <paramref name="location"/>.</summary>
    internal bool IsIndexedAt(Multihash key, PackLocation location) => _state.Index.TryGetValue(key, out var now) && now == location;

    /// <summary>Where a block's record lives (segment file, record offset); for tests that damage it on purpose.</summary>
    internal (string Path, long Offset, long DataOffset)? Locate(Multihash multihash) =>
        _state.Index.TryGetValue(multihash, out var l) && _state.Segments.TryGetValue(l.Segment, out var s) ? (s.Path, l.Offset, l.DataOffset) : null;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
