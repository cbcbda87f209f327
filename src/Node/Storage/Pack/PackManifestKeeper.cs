namespace P2P.Node.Storage.Pack;

/// <summary>
/// Keeps the segment manifest (<see cref="PackManifest"/>, <c>blocks/segments</c>) up to date as segments come and
/// go: every segment id with a length known to be on disk, and the next id to use (ids are never reused). At open
/// it yields the floors each segment must reach (<see cref="LoadFloors"/>); <see cref="PackLossRecorder"/> turns a
/// shortfall into a loss. Its state and every call are under <see cref="PackState.WriteLock"/> (or in the
/// constructor or <c>Dispose</c> of the store).
/// </summary>
internal sealed class PackManifestKeeper(PackState state)
{
    /// <summary>The id the next new segment gets at least; ids are never reused. Under <see cref="PackState.WriteLock"/>.</summary>
    public int NextSegmentId { get; set; } = 1;

    /// <summary>The last manifest write failed, or was skipped for want of room; retry at the next chance (at close at the latest).</summary>
    public bool Stale { get; private set; }

    /// <summary>
    /// Writes the manifest for the segments as they are, or as they are about to be (<paramref name="planned"/>
    /// gives a segment's coming length, or -1 when it is about to go): a removal or a cut is recorded before it is
    /// done. Each length is made durable first, so an entry is never longer than what a power cut leaves. Throws
    /// when the manifest cannot be written. Caller holds <see cref="PackState.WriteLock"/> (or is the constructor).
    /// </summary>
    public void Save(Func<PackSegment, long>? planned = null)
    {
        var entries = new List<(int Id, long Length)>(state.Segments.Count);
        foreach (var (_, segment) in state.Segments)
        {
            var length = planned?.Invoke(segment) ?? segment.Length;
            if (length < 0)
                continue;
            if (state.SyncPolicy != SyncPolicy.None && segment.DurableLength < length)
            {
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.DurableLength = segment.Length;
                segment.Unsynced = false;
                segment.UnflushedBytes = 0;
            }
            entries.Add((segment.Id, length));
        }
        Stale = !PackManifest.Save(state.ManifestPath, NextSegmentId, entries);
    }

    /// <summary>Writes the manifest where a failure loses nothing (a segment was added, or open found it out of date).</summary>
    public void TrySave()
    {
        try
        {
            Save();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Stale = true;
            state.RecoveryNotes.Add($"could not write the segment manifest: {e.Message}");
        }
    }

    /// <summary>
    /// What the segments must hold at least: the manifest's lengths, and after a clean close the snapshot's too
    /// (exact then, and the only record a repo from before the manifest has). Null when there is neither (a new
    /// store, or one from before the manifest that did not close cleanly): nothing to check against.
    /// </summary>
    public Dictionary<int, long>? LoadFloors(Dictionary<int, long>? snapshotLengths, out bool manifestLoaded, out Dictionary<int, long> manifest)
    {
        manifestLoaded = PackManifest.TryLoad(state.ManifestPath, out var nextId, out manifest, out var error);
        if (error is not null)
            state.RecoveryNotes.Add($"{error}: segment lengths not checked this time; the manifest is rewritten");
        NextSegmentId = Math.Max(nextId, state.Segments.Keys.DefaultIfEmpty(0).Max() + 1);
        if (!manifestLoaded && snapshotLengths is null)
            return null;
        var floors = new Dictionary<int, long>(manifest);
        foreach (var (id, length) in snapshotLengths ?? [])
            floors[id] = Math.Max(length, floors.GetValueOrDefault(id));
        return floors;
    }

    /// <summary>True when the manifest on disk already says what the segments are now (nothing to write at open).</summary>
    public bool Matches(Dictionary<int, long> manifest) =>
        manifest.Count == state.Segments.Count && state.Segments.All(s => manifest.TryGetValue(s.Key, out var length) && length == s.Value.Length);
}
