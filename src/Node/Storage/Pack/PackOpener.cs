using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// Opening a pack directory: checks its format, opens the segments, loads the index snapshot of a clean close
/// or rebuilds the index by scanning (<see cref="PackIndexRebuilder"/>), checks the segments against the manifest
/// (<see cref="PackLossRecorder"/>) and brings the manifest up to date. Runs once, in the store's constructor,
/// before any other thread can reach the store, so it takes no lock. The caller must hold the repo lock.
/// </summary>
internal sealed class PackOpener(PackState state, PackManifestKeeper manifest, PackSegmentWriter writer, PackLossRecorder losses)
{
    private const string FormatSpec = "p2p-pack/1";

    /// <summary>Fills <see cref="PackState.Index"/> and <see cref="PackState.Segments"/>; on failure closes the segments it opened.</summary>
    public void Open()
    {
        Directory.CreateDirectory(state.RootDirectory);
        CheckFormat();
        AtomicFile.RemoveTemporaryFiles(state.RootDirectory);
        try
        {
            OpenSegments();
            writer.Marked = File.Exists(state.DirtyMarkerPath);
            var marked = writer.Marked;
            // After a clean close the snapshot's lengths are exact; after a crash it is stale, and only the
            // manifest's floors count.
            var snapshot = marked ? null : LoadSnapshot();
            var floors = manifest.LoadFloors(snapshot?.Lengths, out var manifestLoaded, out var onDisk);
            // A snapshot of a clean close that matches the files exactly is the last word: nothing is lost, even
            // if the manifest disagrees (an older p2p, which does not keep it, compacted this store since).
            var usable = !marked && SnapshotUsable(snapshot);
            if (floors is not null && !usable)
                losses.Find(floors);
            var rebuilder = new PackIndexRebuilder(state, writer);
            if (!usable)
            {
                state.SnapshotStale = true;
                rebuilder.Rebuild(floors ?? [], losses.Losses);
            }
            foreach (var (_, location) in state.Index)
                state.Segments[location.Segment].LiveBytes += location.RecordSize;
            foreach (var (_, segment) in state.Segments)
                segment.DurableLength = marked ? 0 : segment.Length; // after a crash, fsynced by the manifest write below
            if (state.Segments.Keys.DefaultIfEmpty(0).Max() is var last and > 0 && state.Segments[last].Length < state.SegmentSize)
                state.Active = state.Segments[last];
            var recorded = losses.Record(snapshot?.Entries, clean: !marked);
            // A repo from before the manifest gets one here, silently. When a loss could not be noted, the old
            // manifest stays so that the next open finds it again.
            if (recorded && (!manifestLoaded || !manifest.Matches(onDisk)))
                manifest.TrySave();
            // A clean close's snapshot that did not match is of no more use, and left in place it would make an
            // open after a crash in this session report the same loss again. It is rewritten at clean close.
            if (recorded && !marked && !usable && snapshot is not null)
                TryDeleteSnapshot();
            rebuilder.RewriteSalvaged();
        }
        catch
        {
            foreach (var (_, segment) in state.Segments)
                segment.Dispose();
            throw;
        }
    }

    private void CheckFormat()
    {
        var format = Path.Join(state.RootDirectory, PackBlockStore.FormatFileName);
        if (File.Exists(format))
        {
            var spec = File.ReadAllText(format).Trim();
            if (spec != FormatSpec)
                throw new InvalidDataException($"block directory {state.RootDirectory} holds pack format '{spec}', but p2p only knows '{FormatSpec}'");
            return;
        }
        if (File.Exists(Path.Join(state.RootDirectory, "SHARDING")))
            throw new InvalidDataException($"block directory {state.RootDirectory} is a flatfs store, not a pack store");
        AtomicFile.Write(format, System.Text.Encoding.ASCII.GetBytes(FormatSpec + "\n"));
    }

    private void OpenSegments()
    {
        foreach (var path in Directory.EnumerateFiles(state.RootDirectory, PackSegment.Prefix + "*" + PackSegment.Extension))
        {
            var id = PackSegment.ParseId(Path.GetFileName(path));
            if (id < 0)
                continue;
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            state.Segments[id] = new PackSegment(id, path, handle, RandomAccess.GetLength(handle));
        }
    }

    /// <summary>The snapshot of the last clean close, if it is there and passes its checks (used only when it matches the files).</summary>
    private (Dictionary<int, long> Lengths, Dictionary<Multihash, PackLocation> Entries)? LoadSnapshot()
    {
        if (!File.Exists(state.SnapshotPath))
        {
            if (!state.Segments.IsEmpty)
                state.RecoveryNotes.Add("no index snapshot: rebuilt the index by scanning the segments");
            return null;
        }
        if (!PackIndexFile.TryLoad(state.SnapshotPath, out var lengths, out var entries, out var error))
        {
            state.RecoveryNotes.Add($"{error}: rebuilt the index by scanning the segments");
            return null;
        }
        return (lengths, entries);
    }

    private void TryDeleteSnapshot()
    {
        try
        {
            File.Delete(state.SnapshotPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            state.RecoveryNotes.Add($"could not remove the stale index snapshot: {e.Message}");
        }
    }

    /// <summary>Takes the snapshot only if it names exactly the segments on disk, at exactly their lengths.</summary>
    private bool SnapshotUsable((Dictionary<int, long> Lengths, Dictionary<Multihash, PackLocation> Entries)? snapshot)
    {
        if (snapshot is not { } loaded)
            return state.Segments.IsEmpty && !File.Exists(state.SnapshotPath);
        var (lengths, entries) = loaded;
        if (lengths.Count != state.Segments.Count || lengths.Any(l => !state.Segments.TryGetValue(l.Key, out var s) || s.Length != l.Value))
        {
            state.RecoveryNotes.Add("index snapshot does not match the segment files: rebuilt the index by scanning them");
            return false;
        }
        foreach (var (key, location) in entries)
            state.Index[key] = location;
        return true;
    }
}
