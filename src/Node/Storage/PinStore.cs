using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// The pin set, kept whole in memory and persisted whole after every change, each save a new generation. A save
/// writes three files with <see cref="AtomicFile"/> (temp file, fsync, rename, directory fsync): pins.json (the
/// commit point), then pins.state (the marker: generation, count, hash), then pins.json.bak (a second copy). So a
/// torn write never loses pins, and a pin file that is later deleted, truncated or replaced is noticed at open and
/// recovered from the backup; when neither copy is the one the marker vouches for, the store opens in a damaged
/// state (<see cref="Problem"/>) where every read or change, and so gc, fails instead of seeing zero pins.
/// Pins are keyed by multihash, like the block store, so QmX and its CIDv1 form name the same pin. Thread-safe.
/// </summary>
public sealed class PinStore
{
    public const string BackupSuffix = ".bak";
    public const string MarkerExtension = ".state";

    private readonly string _path;
    private readonly string _backupPath;
    private readonly string _markerPath;

    /// <summary>Guards <see cref="_pins"/>, <see cref="_generation"/> and the files: every change is applied and saved under it.</summary>
    private readonly Lock _lock = new();

    /// <summary>The pin set by multihash; only read or written under <see cref="_lock"/>.</summary>
    private readonly Dictionary<Multihash, Pin> _pins = [];

    /// <summary>The generation on disk in pins.json; the next save writes one more. Under <see cref="_lock"/>.</summary>
    private long _generation;

    private PinStore(string path)
    {
        _path = path;
        _backupPath = path + BackupSuffix;
        _markerPath = Path.ChangeExtension(path, MarkerExtension);
    }

    /// <summary>
    /// Loads the pin set whose primary file is <paramref name="path"/>, recovering it from the backup when the
    /// primary is missing or damaged, and rewrites whichever of the three files disagree with the set chosen. A
    /// new repo (no file at all) is an empty set. Call with the repo lock held.
    /// </summary>
    public static PinStore Open(string path)
    {
        var store = new PinStore(Path.GetFullPath(path));
        var primary = new PinRecovery.Found(store._path, PinFile.TryRead(store._path, out var primaryError), primaryError);
        var backup = new PinRecovery.Found(store._backupPath, PinFile.TryRead(store._backupPath, out var backupError), backupError);
        var marker = PinMarker.TryRead(store._markerPath, out var markerError);
        var outcome = PinRecovery.Choose(primary, backup, marker, store._markerPath, markerError);
        if (outcome.Problem is not null)
        {
            store.Problem = outcome.Problem;
            return store;
        }
        var chosen = outcome.Chosen ?? PinFile.Create(0, []);
        foreach (var (key, pin) in chosen.Pins)
            store._pins[key] = pin;
        store._generation = chosen.Generation;
        store.Recovery = outcome.Note;
        store.Repair(PinFile.Create(chosen.Generation, chosen.Pins.Values), primary, backup, marker);
        return store;
    }

    /// <summary>Why the pin set is unknown (lost or damaged beyond the backup); null when it loaded. While set, every operation throws.</summary>
    public string? Problem { get; private set; }

    /// <summary>What the open repaired (a pin file recovered from the backup), for a warning; null when nothing was.</summary>
    public string? Recovery { get; private set; }

    /// <summary>Pins in the set; 0 when the set is unknown (see <see cref="Problem"/>).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _pins.Count;
        }
    }

    /// <summary>
    /// Pins <paramref name="cid"/>. A recursive pin replaces a direct one; a direct pin on a recursively pinned
    /// CID changes nothing (it is already kept). Returns true if the set changed. Walking and fetching the DAG
    /// is the caller's job: gc refuses to run while a recursive pin's DAG is incomplete.
    /// </summary>
    public bool Add(Cid cid, PinKind kind)
    {
        lock (_lock)
        {
            ThrowIfDamaged();
            var key = cid.Multihash;
            if (_pins.TryGetValue(key, out var existing) && (existing.Kind == PinKind.Recursive || existing.Kind == kind))
                return false;
            _pins[key] = new Pin(cid, kind);
            SaveOrRollBack(key, existing);
            return true;
        }
    }

    /// <summary>Unpins <paramref name="cid"/> whatever its kind; false if it was not pinned.</summary>
    public bool Remove(Cid cid)
    {
        lock (_lock)
        {
            ThrowIfDamaged();
            var key = cid.Multihash;
            if (!_pins.Remove(key, out var existing))
                return false;
            SaveOrRollBack(key, existing);
            return true;
        }
    }

    /// <summary>True if <paramref name="cid"/> itself is pinned (directly or as a recursive root; indirect pins need a DAG walk).</summary>
    public bool IsPinned(Cid cid) => GetKind(cid) is not null;

    public PinKind? GetKind(Cid cid)
    {
        lock (_lock)
        {
            ThrowIfDamaged();
            return _pins.TryGetValue(cid.Multihash, out var pin) ? pin.Kind : null;
        }
    }

    /// <summary>A snapshot of the pin set, ordered by CID. Throws when the set is unknown, so gc cannot run on an empty guess.</summary>
    public IReadOnlyList<Pin> List()
    {
        lock (_lock)
        {
            ThrowIfDamaged();
            var list = _pins.Values.ToList();
            list.Sort(static (a, b) => a.Cid.CompareTo(b.Cid));
            return list;
        }
    }

    private void ThrowIfDamaged()
    {
        if (Problem is { } problem)
            throw new RepoException(RepoErrorReason.Corrupt, problem);
    }

    /// <summary>
    /// Saves the next generation. pins.json is the commit point: if writing it fails, memory goes back to the set
    /// on disk; once it is written the change stands even if the marker or backup then fail (an open accepts a
    /// primary one generation ahead of the marker), and memory keeps it so that memory equals disk.
    /// </summary>
    private void SaveOrRollBack(Multihash key, Pin? previous)
    {
        var next = PinFile.Create(_generation + 1, _pins.Values);
        try
        {
            AtomicFile.Write(_path, next.Bytes);
        }
        catch
        {
            if (previous is null)
                _pins.Remove(key);
            else
                _pins[key] = previous;
            throw;
        }
        _generation = next.Generation;
        AtomicFile.Write(_markerPath, PinMarker.For(next).ToBytes());
        AtomicFile.Write(_backupPath, next.Bytes);
    }

    /// <summary>
    /// Makes the three files agree with <paramref name="canonical"/>, in save order, writing only those that differ
    /// (a healthy repo writes nothing). A failure is left for the next open, which finds the same copies to recover from.
    /// </summary>
    private void Repair(PinFile canonical, PinRecovery.Found primary, PinRecovery.Found backup, PinMarker? marker)
    {
        try
        {
            if (primary.File is null || !primary.File.Bytes.AsSpan().SequenceEqual(canonical.Bytes))
                AtomicFile.Write(_path, canonical.Bytes);
            if (marker != PinMarker.For(canonical))
                AtomicFile.Write(_markerPath, PinMarker.For(canonical).ToBytes());
            if (backup.File is null || !backup.File.Bytes.AsSpan().SequenceEqual(canonical.Bytes))
                AtomicFile.Write(_backupPath, canonical.Bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Recovery = (Recovery is null ? "" : Recovery + "; ") + $"could not rewrite the pin files ({e.Message}): the next open tries again";
        }
    }
}
