using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// The segment manifest (<see cref="PackManifest"/>): kept up to date as segments come and go, and checked at open,
/// where a segment missing or shorter than recorded is a loss, written to quarantine as a note that `repo verify`
/// reports until the user deletes it.
/// </summary>
public sealed partial class PackBlockStore
{
    private readonly List<PackLoss> _losses = [];
    private readonly List<string> _lossWarnings = [];

    /// <summary>The id the next new segment gets at least; ids are never reused. Under <see cref="_writeLock"/>.</summary>
    private int _nextSegmentId = 1;

    /// <summary>The last manifest write failed, or was skipped for want of room; retry at the next chance (at close at the latest).</summary>
    private bool _manifestStale;

    /// <summary>
    /// Bytes found missing at this open, one line each (segment, bytes, blocks, the note recording it): for the
    /// daemon's log and the CLI's stderr. Later opens do not repeat them; `repo verify` does, until the note goes.
    /// </summary>
    public IReadOnlyList<string> LossWarnings => _lossWarnings;

    private string ManifestPath => Path.Join(RootDirectory, PackManifest.FileName);

    /// <summary>
    /// Writes the manifest for the segments as they are, or as they are about to be (<paramref name="planned"/>
    /// gives a segment's coming length, or -1 when it is about to go): a removal or a cut is recorded before it is
    /// done. Each length is made durable first, so an entry is never longer than what a power cut leaves. Throws
    /// when the manifest cannot be written. Caller holds <see cref="_writeLock"/> (or is the constructor).
    /// </summary>
    private void SaveManifest(Func<PackSegment, long>? planned = null)
    {
        var entries = new List<(int Id, long Length)>(_segments.Count);
        foreach (var (_, segment) in _segments)
        {
            var length = planned?.Invoke(segment) ?? segment.Length;
            if (length < 0)
                continue;
            if (SyncPolicy != SyncPolicy.None && segment.DurableLength < length)
            {
                Posix.FsyncFile(segment.Handle, segment.Path);
                segment.DurableLength = segment.Length;
                segment.Unsynced = false;
                segment.UnflushedBytes = 0;
            }
            entries.Add((segment.Id, length));
        }
        _manifestStale = !PackManifest.Save(ManifestPath, _nextSegmentId, entries);
    }

    /// <summary>Writes the manifest where a failure loses nothing (a segment was added, or open found it out of date).</summary>
    private void TrySaveManifest()
    {
        try
        {
            SaveManifest();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _manifestStale = true;
            _recoveryNotes.Add($"could not write the segment manifest: {e.Message}");
        }
    }

    /// <summary>
    /// What the segments must hold at least: the manifest's lengths, and after a clean close the snapshot's too
    /// (exact then, and the only record a repo from before the manifest has). Null when there is neither (a new
    /// store, or one from before the manifest that did not close cleanly): nothing to check against.
    /// </summary>
    private Dictionary<int, long>? LoadFloors(Dictionary<int, long>? snapshotLengths, out bool manifestLoaded, out Dictionary<int, long> manifest)
    {
        manifestLoaded = PackManifest.TryLoad(ManifestPath, out var nextId, out manifest, out var error);
        if (error is not null)
            _recoveryNotes.Add($"{error}: segment lengths not checked this time; the manifest is rewritten");
        _nextSegmentId = Math.Max(nextId, _segments.Keys.DefaultIfEmpty(0).Max() + 1);
        if (!manifestLoaded && snapshotLengths is null)
            return null;
        var floors = new Dictionary<int, long>(manifest);
        foreach (var (id, length) in snapshotLengths ?? [])
            floors[id] = Math.Max(length, floors.GetValueOrDefault(id));
        return floors;
    }

    /// <summary>Every recorded segment that is missing or shorter than its floor, before anything is scanned or cut.</summary>
    private void FindLosses(Dictionary<int, long> floors)
    {
        foreach (var (id, floor) in floors.OrderBy(static f => f.Key))
        {
            if (!_segments.TryGetValue(id, out var segment))
            {
                if (floor > 0)
                    _losses.Add(new PackLoss(id, 0, floor, gone: true));
            }
            else if (segment.Length < floor)
            {
                _losses.Add(new PackLoss(id, segment.Length, floor, gone: false));
            }
        }
    }

    /// <summary>
    /// Writes a note per loss (what is gone, and the blocks the snapshot of a clean close placed there that the
    /// rebuild did not find elsewhere) and a warning line. Returns false when a note could not be written: the
    /// caller then leaves the old manifest in place so the next open finds the loss again.
    /// </summary>
    private bool RecordLosses(Dictionary<Multihash, PackLocation>? snapshotEntries, bool clean)
    {
        var allRecorded = true;
        foreach (var loss in _losses)
        {
            var blocks = new List<string>();
            foreach (var (key, location) in snapshotEntries ?? [])
            {
                if (location.Segment == loss.Segment && location.Offset + location.RecordSize > loss.From && !_index.ContainsKey(key))
                    blocks.Add(Cid.V1(Multicodec.Raw, key).ToString());
            }
            blocks.Sort(StringComparer.Ordinal);
            var what = loss.Gone
                ? $"segment {loss.FileName} is gone: its {loss.Length} bytes were recorded as on disk"
                : $"segment {loss.FileName} lost {loss.Length} bytes (offsets {loss.From} to {loss.To}) that were recorded as on disk";
            var which = snapshotEntries is not null ? $"{blocks.Count} blocks in them are lost"
                : clean ? "which blocks were in them is not known, as the index snapshot that would name them is missing or damaged"
                : "which blocks were in them is not known, as the repo was not closed cleanly";
            var name = loss.Gone ? $"{Path.GetFileNameWithoutExtension(loss.FileName)}-gone" : $"{Path.GetFileNameWithoutExtension(loss.FileName)}-cut-{loss.From:D12}";
            var summary = $"{what} at the last {(clean ? "clean close" : "checkpoint")}; {which}: fetch or add them again, then delete this file";
            var note = PackQuarantine.NotePath(RootDirectory, name);
            if (PackQuarantine.Note(RootDirectory, name, summary, blocks))
            {
                _lossWarnings.Add($"{what}; {which}; recorded in {note} (`p2p repo verify` lists them)");
            }
            else
            {
                allRecorded = false;
                _lossWarnings.Add($"{what}; {which}; could not be recorded in {note}");
                _openProblems.Add(new UnreadableBlock(Path.Join(RootDirectory, loss.FileName), summary));
            }
        }
        return allRecorded;
    }

    /// <summary>True when the manifest on disk already says what the segments are now (nothing to write at open).</summary>
    private bool ManifestMatches(Dictionary<int, long> manifest) =>
        manifest.Count == _segments.Count && _segments.All(s => manifest.TryGetValue(s.Key, out var length) && length == s.Value.Length);
}
