using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// Moves one segment's live records forward so the segment can go (a step of <see cref="PackCompactor"/>).
/// Caller holds <see cref="PackState.WriteLock"/>.
/// </summary>
internal sealed class PackRewriter(PackState state, PackManifestKeeper manifest, PackSegmentWriter writer)
{
    /// <summary>
    /// Copies one segment's live records (and still-needed tombstones) forward, then removes it. Damaged runs
    /// do not stop the scan: a block the index places inside one is kept if its data still hashes to its key
    /// (it gets a fresh header), anything else there is copied to quarantine first, and the segment stays when
    /// that copy fails. Returns false when the disk is full: the copies made are undone, the segment stays, and
    /// <see cref="PackCompactionReport.Shortfall"/> says how much space moving it needs.
    /// </summary>
    public bool Rewrite(PackSegment old, PackCompactionReport report)
    {
        var isOldest = state.Segments.Keys.Min() == old.Id;
        var keep = new List<PackScannedRecord>();
        var damaged = new List<PackDamage>();
        PackScanner.Scan(old.Handle, old.Length, record =>
        {
            var live = record.Tombstone
                ? !isOldest && !state.Index.ContainsKey(record.Key)
                : state.Index.TryGetValue(record.Key, out var at) && at.Segment == old.Id && at.Offset == record.Offset;
            if (live)
                keep.Add(record);
        }, damaged.Add);
        var recovered = new List<(Multihash Key, PackLocation Location)>();
        foreach (var damage in damaged)
        {
            var inside = state.Index.Where(e => e.Value.Segment == old.Id && e.Value.Offset >= damage.Start && e.Value.Offset < damage.End).ToList();
            var explained = inside.Count == 0 && PackScanner.TrySalvage(old.Handle, damage) is not null; // a dead record with a hurt header
            foreach (var (key, location) in inside)
            {
                if (DataMatches(old, key, location))
                {
                    recovered.Add((key, location));
                    explained |= location.Offset == damage.Start && location.RecordSize == damage.Length;
                }
                else
                {
                    report.Damaged.Add(new UnreadableBlock($"{old.Path}@{location.Offset}",
                        $"block {Cid.V1(Multicodec.Raw, key)} is lost: its record is damaged ({damage.Reason}) and its data no longer matches its hash"));
                }
            }
            if (!explained && !report.QuarantineRun(state, old, damage))
                return true; // keep this segment whole; other segments may still be compacted
        }
        return CopyForward(old, keep, recovered, report);
    }

    private bool CopyForward(PackSegment old, List<PackScannedRecord> keep, List<(Multihash Key, PackLocation Location)> recovered, PackCompactionReport report)
    {
        var activeBefore = state.Active;
        var activeLength = state.Active?.Length ?? 0;
        var lastIdBefore = state.Segments.Keys.Max();
        if (ReferenceEquals(state.Active, old))
            state.Active = null; // appends (the copies included) go to a fresh segment numbered after every other
        var moves = new List<(Multihash Key, PackLocation Location)>();
        var written = new HashSet<PackSegment>();
        long copied = 0, needed = keep.Sum(static r => (long)r.RecordSize) + recovered.Sum(static r => (long)r.Location.RecordSize);
        try
        {
            foreach (var record in keep)
            {
                var bytes = GC.AllocateUninitializedArray<byte>(record.RecordSize);
                if (PackScanner.ReadFully(old.Handle, bytes, record.Offset) != bytes.Length)
                    throw new InvalidDataException($"segment {old.Path} ends inside the record at offset {record.Offset}");
                var location = writer.Append(bytes, record.KeyLength, record.DataLength, $"a compacted record of {old.Path}");
                written.Add(state.Active!);
                if (!record.Tombstone)
                    moves.Add((record.Key, location));
                copied += bytes.Length;
            }
            foreach (var (key, from) in recovered)
            {
                var bytes = new byte[from.RecordSize];
                PackRecord.WriteHeader(bytes, tombstone: false, key.Bytes, from.DataLength);
                PackReader.ReadData(old, from).CopyTo(bytes.AsSpan(PackRecord.HeaderSize + key.Length));
                moves.Add((key, writer.Append(bytes, key.Length, from.DataLength, $"a recovered record of {old.Path}")));
                written.Add(state.Active!);
                copied += bytes.Length;
                report.Repaired.Add($"block {Cid.V1(Multicodec.Raw, key)} at {old.Path}@{from.Offset}: the record header was damaged; its data matches its hash, so it was rewritten");
            }
            foreach (var segment in written)
            {
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.Unsynced = false;
            }
            Posix.FsyncDirectory(state.RootDirectory);
        }
        catch (IOException e) when (PackSegmentWriter.IsDiskFull(e))
        {
            UndoCopies(written, activeBefore, activeLength, lastIdBefore);
            report.Shortfall = $"the disk is full: moving the {needed} live bytes of {Path.GetFileName(old.Path)} needs {needed} bytes free "
                + $"({FreeSpace()} free now); free that much space and run gc again";
            return false;
        }
        foreach (var (key, location) in moves)
        {
            state.Index[key] = location;
            state.Segments[location.Segment].LiveBytes += location.RecordSize;
        }
        var length = old.Length;
        writer.DropSegment(old);
        report.Rewritten++;
        report.Copied += copied;
        report.Reclaimed += length - copied;
        return true;
    }

    /// <summary>Takes back the copies of a rewrite that ran out of space: segments it started go, the one it appended to is cut back.</summary>
    private void UndoCopies(HashSet<PackSegment> written, PackSegment? activeBefore, long activeLength, int lastIdBefore)
    {
        var undoCut = activeBefore is not null && written.Contains(activeBefore);
        // Recorded first: a roll during the copies may have recorded the longer length and the new segments.
        // On a full disk the manifest is rewritten in place, so this needs no free space.
        manifest.Save(s => s.Id > lastIdBefore ? -1 : undoCut && ReferenceEquals(s, activeBefore) ? activeLength : s.Length);
        foreach (var segment in state.Segments.Values.Where(s => s.Id > lastIdBefore).ToList())
        {
            state.Segments.TryRemove(segment.Id, out _);
            segment.Dispose();
            File.Delete(segment.Path);
        }
        if (undoCut)
        {
            RandomAccess.SetLength(activeBefore!.Handle, activeLength);
            activeBefore.Length = activeLength;
            activeBefore.DurableLength = Math.Min(activeBefore.DurableLength, activeLength);
        }
        state.Active = activeBefore;
    }

    private static bool DataMatches(PackSegment segment, Multihash key, PackLocation location)
    {
        if (location.DataLength is < 0 or > PackBlockStore.MaxBlockSize || location.Offset + location.RecordSize > segment.Length)
            return false;
        var data = GC.AllocateUninitializedArray<byte>(location.DataLength);
        return PackScanner.ReadFully(segment.Handle, data, location.DataOffset) == data.Length && key.Matches(data);
    }

    private string FreeSpace()
    {
        try
        {
            return $"{new DriveInfo(state.RootDirectory).AvailableFreeSpace} bytes";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return "unknown";
        }
    }
}
