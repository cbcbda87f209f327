using System.Buffers;
using System.Collections.Concurrent;
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
/// </summary>
public sealed partial class PackBlockStore : IBlockStore, IDisposable
{
    /// <summary>Largest block accepted (as <see cref="FlatFsBlockStore.MaxBlockSize"/>); a record header claiming more is corrupt.</summary>
    public const int MaxBlockSize = FlatFsBlockStore.MaxBlockSize;

    /// <summary>Segments roll over at this size: large enough for few files, small enough that compacting one is quick.</summary>
    public const long DefaultSegmentSize = 1L << 30;

    /// <summary>Under the batch policy, writeback is started after this many bytes, so Flush finds little left to write.</summary>
    private const long WritebackChunk = 8L << 20;

    private readonly ConcurrentDictionary<Multihash, PackLocation> _index = new();
    private readonly ConcurrentDictionary<int, PackSegment> _segments = new();

    /// <summary>Serialises appends, deletes, rolls and compaction; readers never take it.</summary>
    private readonly Lock _writeLock = new();

    /// <summary>The segment appended to; null until the first write needs one. Under <see cref="_writeLock"/>.</summary>
    private PackSegment? _active;

    /// <summary>A segment was created or removed since the directory was last fsynced. Under <see cref="_writeLock"/>.</summary>
    private bool _directoryUnsynced;

    /// <summary>The dirty marker exists (this session wrote, or the last one did not close cleanly).</summary>
    private bool _marked;

    /// <summary>The snapshot on disk does not describe the segments (rebuilt at open); rewrite it at close even if nothing is written.</summary>
    private bool _snapshotStale;

    private bool _disposed;

    public string RootDirectory { get; }

    public SyncPolicy SyncPolicy { get; }

    /// <summary>The size at which a new segment is started.</summary>
    public long SegmentSize { get; }

    /// <summary>Damaged segment regions found when the index was rebuilt at open (a torn tail of the last segment is repaired, not listed).</summary>
    public IReadOnlyList<UnreadableBlock> OpenProblems => _openProblems;

    /// <summary>What open had to repair: torn tails truncated, snapshot rejected. For logs; empty after a clean close.</summary>
    public IReadOnlyList<string> RecoveryNotes => _recoveryNotes;

    public int Count => _index.Count;

    public bool Has(Cid cid) => _index.ContainsKey(cid.Multihash);

    public int GetSize(Cid cid) => _index.TryGetValue(cid.Multihash, out var location) ? location.DataLength : -1;

    public byte[]? Get(Cid cid) => Get(cid.Multihash);

    /// <summary>The bytes of the block stored under <paramref name="multihash"/>, or null.</summary>
    public byte[]? Get(Multihash multihash)
    {
        // A compaction may move the record and close the old segment between the lookup and the read:
        // the index is updated before the old segment is closed, so looking up again finds the new place.
        for (var attempt = 0; ; attempt++)
        {
            if (!_index.TryGetValue(multihash, out var location))
                return null;
            try
            {
                if (_segments.TryGetValue(location.Segment, out var segment))
                    return ReadData(segment, location);
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
            }
            if (attempt >= 3)
                throw new InvalidDataException($"block {multihash} is indexed in segment {location.Segment}, which is gone");
        }
    }

    public void Put(Cid cid, ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxBlockSize)
            throw new ArgumentException($"block {cid} is {data.Length} bytes, more than the {MaxBlockSize} allowed", nameof(data));
        var key = cid.Multihash;
        if (_index.ContainsKey(key))
            return;
        // The record is assembled outside the lock so the copy overlaps other writers' writes.
        var size = PackRecord.Size(key.Length, data.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            PackRecord.WriteHeader(buffer, tombstone: false, key.Bytes, data.Length);
            data.CopyTo(buffer.AsSpan(PackRecord.HeaderSize + key.Length));
            lock (_writeLock)
            {
                ThrowIfDisposed();
                if (_index.ContainsKey(key))
                    return;
                var location = Append(buffer.AsSpan(0, size), key.Length, data.Length, cid.ToString());
                _active!.LiveBytes += size;
                _index[key] = location;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public bool Delete(Cid cid) => Delete(cid.Multihash);

    /// <summary>Removes the block stored under <paramref name="multihash"/> by appending a tombstone; false if it was not there.</summary>
    public bool Delete(Multihash multihash)
    {
        Span<byte> record = stackalloc byte[PackRecord.HeaderSize + PackRecord.MaxKeyLength];
        lock (_writeLock)
        {
            ThrowIfDisposed();
            if (!_index.TryGetValue(multihash, out var location))
                return false;
            PackRecord.WriteHeader(record, tombstone: true, multihash.Bytes, 0);
            try
            {
                Append(record[..(PackRecord.HeaderSize + multihash.Length)], multihash.Length, 0, multihash.ToString());
            }
            catch (IOException e) when (IsDiskFull(e))
            {
                // No room for the tombstone. Deleting is how gc makes room, so it must not need any: the block
                // leaves the index (and the snapshot written at close) all the same. Only a crash before the next
                // clean close could bring it back, as an unpinned block the next gc removes again.
                _snapshotStale = true;
            }
            _index.TryRemove(multihash, out _);
            if (_segments.TryGetValue(location.Segment, out var segment))
                segment.LiveBytes -= location.RecordSize;
            return true;
        }
    }

    public IEnumerable<Multihash> EnumerateMultihashes() => _index.Keys;

    /// <summary>Blocks held and the sum of their sizes (what `repo stat` reports), and the bytes the segment files take.</summary>
    public (long Blocks, long BlockBytes, long FileBytes) Stat()
    {
        long blockBytes = 0;
        foreach (var (_, location) in _index)
            blockBytes += location.DataLength;
        long fileBytes = 0;
        lock (_writeLock)
        {
            foreach (var (_, segment) in _segments)
                fileBytes += segment.Length;
        }
        return (_index.Count, blockBytes, fileBytes);
    }

    /// <summary>Under <see cref="SyncPolicy.Batch"/>, fsyncs each segment written since the last flush (one fsync per segment, not per block).</summary>
    public void Flush()
    {
        if (SyncPolicy != SyncPolicy.Batch)
            return;
        List<PackSegment> unsynced = [];
        bool directory;
        lock (_writeLock)
        {
            foreach (var (_, segment) in _segments)
            {
                if (segment.Unsynced)
                {
                    segment.Unsynced = false;
                    segment.UnflushedBytes = 0;
                    unsynced.Add(segment);
                }
            }
            directory = _directoryUnsynced;
            _directoryUnsynced = false;
        }
        // Outside the lock, so puts go on while the disk catches up.
        foreach (var segment in unsynced)
        {
            try
            {
                Posix.FsyncFile(segment.Handle, segment.Path);
            }
            catch (ObjectDisposedException)
            {
                // Compacted away meanwhile; compaction made its replacement durable itself.
            }
        }
        if (directory)
            Posix.FsyncDirectory(RootDirectory);
    }

    /// <summary>Test seam for a full disk: appends fail with ENOSPC once the segments would exceed this many bytes.</summary>
    internal long? CapacityLimitForTests { get; set; }

    /// <summary>A copy of the index, for verify and tests.</summary>
    internal KeyValuePair<Multihash, PackLocation>[] IndexSnapshot() => _index.ToArray();

    internal bool TryGetSegment(int id, out PackSegment segment) => _segments.TryGetValue(id, out segment!);

    /// <summary>The open segments, in id order, for verify's scan.</summary>
    internal List<PackSegment> SegmentsSnapshot() => _segments.Values.OrderBy(static s => s.Id).ToList();

    /// <summary>True while the index still places <paramref name="key"/> at <paramref name="location"/>.</summary>
    internal bool IsIndexedAt(Multihash key, PackLocation location) => _index.TryGetValue(key, out var now) && now == location;

    /// <summary>Where a block's record lives (segment file, record offset); for tests that damage it on purpose.</summary>
    internal (string Path, long Offset, long DataOffset)? Locate(Multihash multihash) =>
        _index.TryGetValue(multihash, out var l) && _segments.TryGetValue(l.Segment, out var s) ? (s.Path, l.Offset, l.DataOffset) : null;

    /// <summary>
    /// Appends one whole record to the active segment (rolling to a new one when it would overflow), with one
    /// positional write, then applies the sync policy. On failure the segment is cut back so nothing partial
    /// stays behind the append position. Returns where the record went. Caller holds <see cref="_writeLock"/>.
    /// </summary>
    private PackLocation Append(ReadOnlySpan<byte> record, int keyLength, int dataLength, string what)
    {
        if (!_marked)
            MarkDirty();
        var segment = _active is { } current && (current.Length == 0 || current.Length + record.Length <= SegmentSize) ? current : Roll();
        var offset = segment.Length;
        try
        {
            if (CapacityLimitForTests is { } capacity && _segments.Values.Sum(static s => s.Length) + record.Length > capacity)
                throw new IOException("No space left on device (test capacity)", Posix.ENOSPC);
            RandomAccess.Write(segment.Handle, record, offset);
            if (SyncPolicy == SyncPolicy.Always)
            {
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.DurableLength = offset + record.Length;
            }
        }
        catch (IOException e)
        {
            TryTruncate(segment, offset);
            var why = Posix.IsDiskFull(e) ? "the disk is full" : e.Message;
            throw new IOException($"cannot store {what} in {RootDirectory}: {why}", e);
        }
        segment.Length = offset + record.Length;
        if (SyncPolicy == SyncPolicy.Batch)
        {
            segment.Unsynced = true;
            segment.UnflushedBytes += record.Length;
            if (segment.UnflushedBytes >= WritebackChunk)
            {
                segment.UnflushedBytes = 0;
                Posix.StartWriteback(segment.Handle);
            }
        }
        return new PackLocation(segment.Id, offset, keyLength, dataLength);
    }

    private static void TryTruncate(PackSegment segment, long length)
    {
        try
        {
            RandomAccess.SetLength(segment.Handle, length);
            segment.DurableLength = Math.Min(segment.DurableLength, length);
        }
        catch (IOException)
        {
            // The append position stays at `length`, so the next record overwrites the debris, and an open
            // after a crash truncates it as a torn tail.
        }
    }

    /// <summary>Starts a new segment numbered after every existing one (so its records are the latest). Caller holds the lock.</summary>
    private PackSegment Roll()
    {
        var id = Math.Max(_nextSegmentId, _segments.Keys.DefaultIfEmpty(0).Max() + 1);
        var path = Path.Join(RootDirectory, PackSegment.FileName(id));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        var segment = new PackSegment(id, path, handle, 0);
        _segments[id] = segment;
        _nextSegmentId = id + 1;
        _active = segment;
        // Recorded after the file exists (a crash in between leaves a segment the manifest does not name, which
        // is scanned as usual). This also seals the previous segment: it is fsynced and its length recorded, so
        // from now on only the new last segment may end in a torn append. Once per segment (a GiB), so cheap.
        TrySaveManifest();
        if (_manifestStale && SyncPolicy == SyncPolicy.Always)
            Posix.FsyncDirectory(RootDirectory);
        else if (_manifestStale)
            _directoryUnsynced = true;
        return segment;
    }

    private static byte[] ReadData(PackSegment segment, PackLocation location)
    {
        var data = GC.AllocateUninitializedArray<byte>(location.DataLength);
        if (PackScanner.ReadFully(segment.Handle, data, location.DataOffset) != data.Length)
            throw new InvalidDataException($"segment {segment.Path} ends inside the record at offset {location.Offset}");
        return data;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
