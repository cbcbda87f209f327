using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// At open: a segment the manifest (or a clean close's snapshot) names that is missing, or shorter than recorded,
/// is a loss (<see cref="Find"/>, before anything is scanned or cut), written to quarantine as a note that
/// `repo verify` reports until the user deletes it (<see cref="Record"/>, once the index is rebuilt). Used only
/// from the store's constructor.
/// </summary>
internal sealed class PackLossRecorder(PackState state)
{
    private readonly List<PackLoss> _losses = [];
    private readonly List<string> _warnings = [];

    /// <summary>The losses found at this open; the index rebuild may lower a loss's start (<see cref="PackLoss.From"/>).</summary>
    public IReadOnlyList<PackLoss> Losses => _losses;

    /// <summary>One line per loss found at this open, for the daemon's log and the CLI's stderr.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Every recorded segment that is missing or shorter than its floor, before anything is scanned or cut.</summary>
    public void Find(Dictionary<int, long> floors)
    {
        foreach (var (id, floor) in floors.OrderBy(static f => f.Key))
        {
            if (!state.Segments.TryGetValue(id, out var segment))
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
    public bool Record(Dictionary<Multihash, PackLocation>? snapshotEntries, bool clean)
    {
        var allRecorded = true;
        foreach (var loss in _losses)
        {
            var blocks = new List<string>();
            foreach (var (key, location) in snapshotEntries ?? [])
            {
                if (location.Segment == loss.Segment && location.Offset + location.RecordSize > loss.From && !state.Index.ContainsKey(key))
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
            var note = PackQuarantine.NotePath(state.RootDirectory, name);
            if (PackQuarantine.Note(state.RootDirectory, name, summary, blocks))
            {
                _warnings.Add($"{what}; {which}; recorded in {note} (`p2p repo verify` lists them)");
            }
            else
            {
                allRecorded = false;
                _warnings.Add($"{what}; {which}; could not be recorded in {note}");
                state.OpenProblems.Add(new UnreadableBlock(Path.Join(state.RootDirectory, loss.FileName), summary));
            }
        }
        return allRecorded;
    }
}
