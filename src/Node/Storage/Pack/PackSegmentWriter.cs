namespace P2P.Node.Storage.Pack;

/// <summary>
/// Writes the segment files: appends whole records to the active segment, starts a new segment when it is full,
/// drops a segment compaction emptied, keeps the dirty marker, and fsyncs as the sync policy says. Every method
/// but <see cref="Flush"/> expects its caller to hold <see cref="PackState.WriteLock"/> (or to be the store's
/// constructor or <c>Dispose</c>); <see cref="Flush"/> takes it itself.
/// </summary>
internal sealed class PackSegmentWriter(PackState state, PackManifestKeeper manifest)
{
    /// <summary>Under the batch policy, writeback is started after this many bytes, so Flush finds little left to write.</summary>
    private const long WritebackChunk = 8L << 20;

    /// <summary>A segment was created or removed since the directory was last fsynced. Under <see cref="PackState.WriteLock"/>.</summary>
    private bool _directoryUnsynced;

    /// <summary>The dirty marker exists (this session wrote, or the last one did not close cleanly). Set at open, then under the lock.</summary>
    public bool Marked { get; set; }

    /// <summary>Test seam for a full disk: appends fail with ENOSPC once the segments would exceed this many bytes.</summary>
    public long? CapacityLimitForTests { get; set; }

    /// <summary>
    /// Appends one whole record to the active segment (rolling to a new one when it would overflow), with one
    /// positional write, then applies the sync policy. On failure the segment is cut back so nothing partial
    /// stays behind the append position. Returns where the record went. Caller holds <see cref="PackState.WriteLock"/>.
    /// </summary>
    public PackLocation Append(ReadOnlySpan<byte> record, int keyLength, int dataLength, string what)
    {
        if (!Marked)
            MarkDirty();
        var segment = state.Active is { } current && (current.Length == 0 || current.Length + record.Length <= state.SegmentSize) ? current : Roll();
        var offset = segment.Length;
        try
        {
            if (CapacityLimitForTests is { } capacity && state.Segments.Values.Sum(static s => s.Length) + record.Length > capacity)
                throw new IOException("No space left on device (test capacity)", Posix.ENOSPC);
            RandomAccess.Write(segment.Handle, record, offset);
            if (state.SyncPolicy == SyncPolicy.Always)
            {
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.DurableLength = offset + record.Length;
            }
        }
        catch (IOException e)
        {
            TryTruncate(segment, offset);
            var why = Posix.IsDiskFull(e) ? "the disk is full" : e.Message;
            throw new IOException($"cannot store {what} in {state.RootDirectory}: {why}", e);
        }
        segment.Length = offset + record.Length;
        if (state.SyncPolicy == SyncPolicy.Batch)
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

    /// <summary>Forgets a segment whose records are all copied or dead, and deletes its file. Caller holds the lock.</summary>
    public void DropSegment(PackSegment segment)
    {
        // Recorded as gone before it goes, so the next open does not take its absence for a loss.
        MarkShrinking();
        manifest.Save(s => ReferenceEquals(s, segment) ? -1 : s.Length);
        foreach (var (key, location) in state.Index)
        {
            if (location.Segment == segment.Id)
                state.Index.TryRemove(key, out _);
        }
        if (ReferenceEquals(state.Active, segment))
            state.Active = null;
        state.Segments.TryRemove(segment.Id, out _);
        File.Delete(segment.Path);
        Posix.FsyncDirectory(state.RootDirectory);
        segment.Dispose();
    }

    /// <summary>
    /// Sets the dirty marker before a segment is cut or deleted, even when nothing is appended: from then on the
    /// snapshot on disk describes files that are no longer there, and an open after a crash must not take its
    /// lengths for those of a clean close (it would report the compacted bytes as lost).
    /// </summary>
    public void MarkShrinking()
    {
        if (!Marked)
            MarkDirty();
    }

    /// <summary>Under <see cref="SyncPolicy.Batch"/>, fsyncs each segment written since the last flush (one fsync per segment, not per block).</summary>
    public void Flush()
    {
        if (state.SyncPolicy != SyncPolicy.Batch)
            return;
        List<PackSegment> unsynced = [];
        bool directory;
        lock (state.WriteLock)
        {
            foreach (var (_, segment) in state.Segments)
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
            Posix.FsyncDirectory(state.RootDirectory);
    }

    /// <summary>Fsyncs every segment written since the last flush, and the directory; used at close.</summary>
    public void FlushAll()
    {
        foreach (var (_, segment) in state.Segments)
        {
            if (segment.Unsynced)
            {
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.Unsynced = false;
                segment.UnflushedBytes = 0;
            }
            segment.DurableLength = segment.Length;
        }
        Posix.FsyncDirectory(state.RootDirectory);
        _directoryUnsynced = false;
    }

    /// <summary>A disk-full error, directly or wrapped by <see cref="Append"/>.</summary>
    public static bool IsDiskFull(IOException e) =>
        Posix.IsDiskFull(e) || (e.InnerException is IOException inner && Posix.IsDiskFull(inner));

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
        var id = Math.Max(manifest.NextSegmentId, state.Segments.Keys.DefaultIfEmpty(0).Max() + 1);
        var path = Path.Join(state.RootDirectory, PackSegment.FileName(id));
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        var segment = new PackSegment(id, path, handle, 0);
        state.Segments[id] = segment;
        manifest.NextSegmentId = id + 1;
        state.Active = segment;
        // Recorded after the file exists (a crash in between leaves a segment the manifest does not name, which
        // is scanned as usual). This also seals the previous segment: it is fsynced and its length recorded, so
        // from now on only the new last segment may end in a torn append. Once per segment (a GiB), so cheap.
        manifest.TrySave();
        if (manifest.Stale && state.SyncPolicy == SyncPolicy.Always)
            Posix.FsyncDirectory(state.RootDirectory);
        else if (manifest.Stale)
            _directoryUnsynced = true;
        return segment;
    }

    /// <summary>
    /// Creates the dirty marker, durably, before the first byte of this session reaches a segment (even under
    /// the none policy: it is once per session, and a lost marker would let a stale snapshot be trusted).
    /// </summary>
    private void MarkDirty()
    {
        using (var handle = File.OpenHandle(state.DirtyMarkerPath, FileMode.OpenOrCreate, FileAccess.Write))
            Posix.FsyncFile(handle, state.DirtyMarkerPath);
        Posix.FsyncDirectory(state.RootDirectory);
        Marked = true;
    }
}
