using P2P.Node.Content.UnixFs;
using P2P.Node.Storage;

namespace P2P.Node.Content.Importing;

/// <summary>
/// Imports the parts of kubo's multipart add as they arrive, in any order: each file is chunked and stored straight
/// from its part's stream, symlinks are stored at once, and only the names and roots are kept in a tree in memory.
/// The directories are built in <see cref="Finish"/>, once the last part is in, so a part may come before or after
/// its directory's part (kubo's clients send the directory first; a part with no directory part makes it implicitly).
/// What comes out is what an offline add of the same tree gives: the same blocks and CIDs, the same entries in the
/// same order (files in walk order, then directories children first), dot-files below a top-level item skipped
/// unless <see cref="ImportOptions.IncludeHidden"/>. A name used twice, or a path through a file or a symlink, is
/// refused (<see cref="ArgumentException"/>). Not thread-safe: one request feeds it, one part at a time.
/// </summary>
public sealed class UploadImport
{
    private readonly NodeBuilder _nodes;
    private readonly bool _wrap;
    private readonly Func<string?, IProgress<long>?> _progressFor;
    private readonly CancellationToken _ct;
    private readonly List<Top> _tops = [];

    /// <summary>The one reporter of -w, whose count runs over every item.</summary>
    private readonly IProgress<long>? _wrapProgress;

    /// <summary>Bytes imported so far for the whole upload: the progress base when every top shares one count (-w).</summary>
    private long _wrapBytes;

    /// <param name="stored">When set, gets every block stored, for the daemon's announcements.</param>
    /// <param name="progressFor">The reporter of a top-level item's running byte count (null name: unnamed); with
    /// <paramref name="wrap"/> one count runs over every item and this is asked once, for a null name.</param>
    public UploadImport(
        ImportOptions options, IBlockStore store, StoredBlocks? stored, bool wrap, Func<string?, IProgress<long>?> progressFor, CancellationToken ct)
    {
        options.Validate();
        _nodes = new NodeBuilder(options, store, stored);
        _wrap = wrap;
        _progressFor = progressFor;
        _ct = ct;
        if (wrap)
            _wrapProgress = progressFor(null);
    }

    /// <summary>
    /// Imports one file part from <paramref name="data"/> as it is read. An empty <paramref name="path"/> is an unnamed
    /// top-level file (stdin without a name), later named by its CID; a hidden one below a top is left unread.
    /// </summary>
    public async Task AddFileAsync(string path, Stream data)
    {
        _ct.ThrowIfCancellationRequested();
        Node? node;
        Top top;
        if (path.Length == 0)
        {
            top = new Top(null, new Node(NodeKind.File), _wrap ? null : _progressFor(null));
            _tops.Add(top);
            node = top.Root;
        }
        else
        {
            (top, node) = Place(path, NodeKind.File);
            if (node is null)
                return;
        }
        var progress = _wrap ? _wrapProgress : top.Progress;
        var progressBase = _wrap ? _wrapBytes : top.Bytes;
        var (root, bytes) = await UnixFsImporter.ImportFileCoreAsync(data, _nodes, progress, progressBase, _ct);
        node.Child = root;
        node.Bytes = bytes;
        if (_wrap)
            _wrapBytes += bytes;
        else
            top.Bytes += bytes;
    }

    /// <summary>A directory part: makes the directory (and any above it) if it is not there yet.</summary>
    public void AddDirectory(string path) => Place(path, NodeKind.Directory);

    /// <summary>A symlink part: stored as a link to <paramref name="target"/>, never followed.</summary>
    public void AddSymlink(string path, string target)
    {
        var (_, node) = Place(path, NodeKind.Symlink);
        if (node is not null)
            node.Child = _nodes.StoreSymlink(target);
    }

    /// <summary>
    /// Builds the directories and returns the entries of each top-level item in the order first seen, as an offline
    /// add prints them; with -w one list of every item's entries and the wrapper last, whose path is empty.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<ImportedEntry>> Finish()
    {
        var units = new List<IReadOnlyList<ImportedEntry>>();
        var files = new List<ImportedEntry>();
        var directories = new List<ImportedEntry>();
        var added = new List<(string Name, DagChild Child)>();
        foreach (var top in _tops)
        {
            var root = Emit(top.Root, top.Name, files, directories);
            added.Add((top.Name ?? root.Cid.ToString(), root));
            if (!_wrap)
            {
                units.Add([.. files, .. directories]);
                files.Clear();
                directories.Clear();
            }
        }
        if (_wrap && added.Count > 0)
        {
            var wrapper = _nodes.StoreDirectory(added.DistinctBy(e => e.Name, StringComparer.Ordinal).ToList());
            directories.Add(new ImportedEntry("", wrapper.Cid, UnixFsType.Directory, 0, (long)wrapper.DagSize));
            units.Add([.. files, .. directories]);
        }
        return units;
    }

    /// <summary>
    /// Finds or makes the node at <paramref name="path"/> for a part of <paramref name="kind"/>; null when the part is
    /// hidden and so skipped. Directories on the way are made as needed.
    /// </summary>
    private (Top Top, Node? Node) Place(string path, NodeKind kind)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(s => s is "." or ".."))
            throw new ArgumentException($"part name '{path}' leaves the upload");
        var top = _tops.Find(t => t.Name == segments[0]);
        if (top is null)
        {
            top = new Top(segments[0], new Node(segments.Length == 1 ? kind : NodeKind.Directory), _wrap ? null : _progressFor(segments[0]));
            _tops.Add(top);
        }
        else if (segments.Length == 1 && (kind != NodeKind.Directory || top.Root.Kind != NodeKind.Directory))
        {
            throw new ArgumentException($"part name '{path}' is given twice");
        }
        // Below the top, dot-files are left out as the offline walk leaves them out (nothing under them is stored).
        if (!_nodes.Options.IncludeHidden && segments.Skip(1).Any(s => s.StartsWith('.')))
            return (top, null);
        var node = top.Root;
        for (var i = 1; i < segments.Length; i++)
        {
            if (node.Kind != NodeKind.Directory)
            {
                var through = node.Kind == NodeKind.Symlink ? "symlink" : "file";
                throw new ArgumentException($"part name '{path}' goes through the {through} '{string.Join('/', segments[..i])}'");
            }
            var last = i == segments.Length - 1;
            if (node.Children!.TryGetValue(segments[i], out var child))
            {
                if (last && (kind != NodeKind.Directory || child.Kind != NodeKind.Directory))
                    throw new ArgumentException($"part name '{path}' is given twice");
            }
            else
            {
                child = new Node(last ? kind : NodeKind.Directory);
                node.Children.Add(segments[i], child);
            }
            node = child;
        }
        return (top, node);
    }

    /// <summary>The offline walk's order (<see cref="TreeWalk"/>): children by UTF-8 name, files as met, directories after their children.</summary>
    private DagChild Emit(Node node, string? path, List<ImportedEntry> files, List<ImportedEntry> directories)
    {
        switch (node.Kind)
        {
            case NodeKind.File:
                var file = node.Child!.Value;
                files.Add(new ImportedEntry(path ?? file.Cid.ToString(), file.Cid, UnixFsType.File, node.Bytes, (long)file.DagSize));
                return file;
            case NodeKind.Symlink:
                var link = node.Child!.Value;
                files.Add(new ImportedEntry(path!, link.Cid, UnixFsType.Symlink, (long)link.FileSize, (long)link.DagSize));
                return link;
            default:
                var names = node.Children!.Keys.ToArray();
                Array.Sort(names, NodeBuilder.Utf8Compare);
                var entries = new List<(string, DagChild)>(names.Length);
                foreach (var name in names)
                    entries.Add((name, Emit(node.Children[name], path + "/" + name, files, directories)));
                var directory = _nodes.StoreDirectory(entries);
                directories.Add(new ImportedEntry(path!, directory.Cid, UnixFsType.Directory, 0, (long)directory.DagSize));
                return directory;
        }
    }

    private enum NodeKind
    {
        File,
        Directory,
        Symlink,
    }

    /// <summary>One name of the tree: a file's or symlink's root once stored, a directory's children by name.</summary>
    private sealed class Node(NodeKind kind)
    {
        public NodeKind Kind { get; } = kind;

        public Dictionary<string, Node>? Children { get; } = kind == NodeKind.Directory ? new(StringComparer.Ordinal) : null;

        public DagChild? Child { get; set; }

        public long Bytes { get; set; }
    }

    /// <summary>A top-level item: its name (null: unnamed), its node, its progress reporter and the bytes it has so far.</summary>
    private sealed class Top(string? name, Node root, IProgress<long>? progress)
    {
        public string? Name { get; } = name;

        public Node Root { get; } = root;

        public IProgress<long>? Progress { get; } = progress;

        public long Bytes { get; set; }
    }
}
