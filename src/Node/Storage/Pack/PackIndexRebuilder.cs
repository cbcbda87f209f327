using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// Rebuilds the index by scanning the segments when the snapshot cannot be used (after a crash, or when it does
/// not match the files), repairing as it goes; then re-appends what it recovered. Used only from the store's
/// constructor, before any other thread can reach the store.
/// </summary>
internal sealed class PackIndexRebuilder(PackState state, PackSegmentWriter writer)
{
    /// <summary>Records recovered from a damaged header during the rebuild, rewritten once the store is open.</summary>
    private readonly List<(Multihash Key, PackLocation Location)> _salvaged = [];

    /// <summary>
    /// Replays every segment in order, so the latest record of a key wins (a put after a delete, or a copy made
    /// by an interrupted compaction). Damage never ends a scan (<see cref="PackScanner"/> resynchronises):
    /// a record whose header alone is hurt is recovered when its data still hashes to its key; any other damaged
    /// run is copied to quarantine and reported by <see cref="PackState.OpenProblems"/> and `repo verify`, and the
    /// records after it are kept. Only what an interrupted append leaves at the very end of the last segment, past
    /// the length the manifest recorded for it (<paramref name="floors"/>), is cut; and the record cut in two where
    /// a segment lost its tail (already recorded as a loss in <paramref name="losses"/>, and its block named).
    /// </summary>
    public void Rebuild(Dictionary<int, long> floors, IReadOnlyList<PackLoss> losses)
    {
        var ids = state.Segments.Keys.Order().ToList();
        var index = new Dictionary<Multihash, PackLocation>();
        foreach (var id in ids)
        {
            var segment = state.Segments[id];
            var last = id == ids[^1];
            var floor = floors.GetValueOrDefault(id);
            var cutShort = losses.FirstOrDefault(l => l.Segment == id);
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
                    state.RecoveryNotes.Add($"{segment.Path}@{damage.Start}: the header of the record of {salvaged.Key} was damaged ({damage.Reason}); its data matches its hash, so it was recovered");
                    return;
                }
                var kept = PackQuarantine.Save(state.RootDirectory, segment, damage);
                state.OpenProblems.Add(state.DamageReport(segment, damage, kept));
                if (kept && damage.End == segment.Length && last)
                    tail = damage; // copied out, so the junk at the end can go and appends start clean
            });
            if (tail is { } cut)
            {
                state.RecoveryNotes.Add($"{segment.Path}: cut {cut.Length} bytes after offset {cut.Start} ({cut.Reason})");
                RandomAccess.SetLength(segment.Handle, cut.Start);
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.Length = cut.Start;
                if (cutShort is not null)
                    cutShort.From = Math.Min(cutShort.From, cut.Start);
            }
        }
        foreach (var (key, location) in index)
            state.Index[key] = location;
    }

    /// <summary>
    /// Writes a fresh copy (with a good header) of each record recovered at open, so the damaged one becomes
    /// garbage that compaction drops. Best effort: on failure the index keeps pointing at the recovered data.
    /// </summary>
    public void RewriteSalvaged()
    {
        foreach (var (key, location) in _salvaged)
        {
            if (!state.Index.TryGetValue(key, out var current) || current != location)
                continue;
            try
            {
                var data = PackReader.ReadData(state.Segments[location.Segment], location);
                var record = new byte[location.RecordSize];
                PackRecord.WriteHeader(record, tombstone: false, key.Bytes, data.Length);
                data.CopyTo(record.AsSpan(PackRecord.HeaderSize + key.Length));
                var moved = writer.Append(record, key.Length, data.Length, $"a recovered copy of {key}");
                state.Active!.LiveBytes += record.Length;
                state.Segments[location.Segment].LiveBytes -= record.Length;
                state.Index[key] = moved;
            }
            catch (IOException e)
            {
                state.RecoveryNotes.Add($"could not rewrite the recovered record of {key}: {e.Message}");
            }
        }
        _salvaged.Clear();
    }
}
