using System.Text.Json;
using P2P.Node.Content;

namespace P2P.Node.Storage;

/// <summary>
/// The pin set, kept whole in memory and persisted whole to one JSON file after every change with
/// <see cref="AtomicFile"/> (temp file, fsync, rename, directory fsync): a crash mid-write leaves the previous
/// set intact, so a torn write can never lose pins and let gc delete pinned data. Pins are keyed by multihash,
/// like the block store, so QmX and its CIDv1 form name the same pin. Thread-safe.
/// </summary>
public sealed class PinStore
{
    private const int FormatVersion = 1;

    private readonly string _path;

    /// <summary>Guards <see cref="_pins"/> and the file: every change is applied and saved under it.</summary>
    private readonly Lock _lock = new();

    /// <summary>The pin set by multihash; only read or written under <see cref="_lock"/>.</summary>
    private readonly Dictionary<Multihash, Pin> _pins = [];

    private PinStore(string path) => _path = path;

    /// <summary>Loads the pin file at <paramref name="path"/> (an absent file is an empty set).</summary>
    public static PinStore Open(string path)
    {
        var store = new PinStore(Path.GetFullPath(path));
        if (File.Exists(path))
            store.Load(File.ReadAllBytes(path));
        return store;
    }

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
            return _pins.TryGetValue(cid.Multihash, out var pin) ? pin.Kind : null;
    }

    /// <summary>A snapshot of the pin set, ordered by CID.</summary>
    public IReadOnlyList<Pin> List()
    {
        lock (_lock)
        {
            var list = _pins.Values.ToList();
            list.Sort(static (a, b) => a.Cid.CompareTo(b.Cid));
            return list;
        }
    }

    private void SaveOrRollBack(Multihash key, Pin? previous)
    {
        try
        {
            AtomicFile.Write(_path, Serialize());
        }
        catch
        {
            // Keep memory equal to disk: the caller sees the failure and the pin set it had before.
            if (previous is null)
                _pins.Remove(key);
            else
                _pins[key] = previous;
            throw;
        }
    }

    private byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            writer.WriteStartArray("pins");
            foreach (var pin in _pins.Values.OrderBy(static p => p.Cid))
            {
                writer.WriteStartObject();
                writer.WriteString("cid", pin.Cid.ToString());
                writer.WriteString("kind", pin.Kind == PinKind.Recursive ? "recursive" : "direct");
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Any defect is fatal: opening with a partial pin set would let gc delete pinned blocks.</summary>
    private void Load(byte[] json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (!root.TryGetProperty("version", out var version) || version.GetInt32() != FormatVersion)
                throw new InvalidDataException($"unsupported pin file version (expected {FormatVersion})");
            foreach (var entry in root.GetProperty("pins").EnumerateArray())
            {
                var cid = Cid.Parse(entry.GetProperty("cid").GetString() ?? "");
                var kind = entry.GetProperty("kind").GetString() switch
                {
                    "recursive" => PinKind.Recursive,
                    "direct" => PinKind.Direct,
                    var other => throw new InvalidDataException($"unknown pin kind '{other}'"),
                };
                _pins[cid.Multihash] = new Pin(cid, kind);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new RepoException(RepoErrorReason.Corrupt, $"pin file {_path} is damaged ({e.Message}); restore it from a backup before using this repo", e);
        }
    }
}
