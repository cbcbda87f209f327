using System.Net.Http.Headers;
using System.Text;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.Importing;

namespace P2P.Cli.Commands;

/// <summary>
/// What `p2p add` was asked to add, read the way kubo's command line reads its arguments (go-ipfs-cmds cli/parse.go),
/// and turned into the importer's inputs (offline) or kubo's multipart parts (through a daemon), so both paths add
/// the same things under the same names:
/// <list type="bullet">
/// <item>a symlink is a symlink, at the top or inside a tree: its target is stored, never followed (kubo's Lstat);
/// <c>--dereference-args</c> follows top-level ones and names the item after what it points at;</item>
/// <item>no path with data piped in, or the path <c>-</c>, is stdin, named by <c>--stdin-name</c> or else by its CID;</item>
/// <item>a link under /dev or /proc (<c>/dev/stdin</c>, <c>/dev/fd/N</c>, a shell's <c>&lt;(cmd)</c>) is read as data:
/// its target names this process's own open file, which means nothing once stored;</item>
/// <item>the items are sorted by name, and a name given twice from two folders is refused, as kubo does.</item>
/// </list>
/// </summary>
internal static class AddInputs
{
    public enum Kind
    {
        File,
        Directory,
        Symlink,
        Stdin,
        Device,
    }

    /// <summary>One top-level item: its name ("" for unnamed stdin), what it is, where it is, and a symlink's target.</summary>
    public sealed record Item(string Name, Kind Kind, string? Path, string? LinkTarget);

    /// <summary>The items of the command line; throws a usage error or <see cref="FileNotFoundException"/> before anything is read.</summary>
    public static IReadOnlyList<Item> Collect(IReadOnlyList<string> paths, bool recursive, string? stdinName, bool dereferenceArgs)
    {
        var items = new List<Item>();
        if (paths.Count == 0)
        {
            if (!Console.IsInputRedirected)
                throw new CliException("no path given: name the files to add, or pipe data in (`echo hi | p2p add`)", ExitCodes.Usage);
            items.Add(new Item(stdinName ?? "", Kind.Stdin, null, null));
        }
        var importDirectories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (path == "-")
            {
                items.Add(new Item(stdinName ?? "", Kind.Stdin, null, null));
                continue;
            }
            var item = Resolve(path, recursive, dereferenceArgs);
            var directory = Path.GetDirectoryName(item.Path) ?? "";
            if (importDirectories.TryGetValue(item.Name, out var earlier))
            {
                if (earlier != directory)
                    throw new CliException($"file name {item.Name} repeated under different import directories: {directory} and {earlier}", ExitCodes.Usage);
                continue;
            }
            importDirectories[item.Name] = directory;
            items.Add(item);
        }
        return [.. items.OrderBy(i => i.Name, StringComparer.Ordinal)];
    }

    private static Item Resolve(string path, bool recursive, bool dereferenceArgs)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var info = new FileInfo(full);
        if (info.LinkTarget is { } target)
        {
            if (IsProcessLink(full))
                return new Item(info.Name, Kind.Device, full, null);
            if (!dereferenceArgs)
                return new Item(info.Name, Kind.Symlink, full, target);
            var final = info.ResolveLinkTarget(returnFinalTarget: true);
            if (final is null || !(File.Exists(final.FullName) || Directory.Exists(final.FullName)))
                throw new FileNotFoundException($"{path}: the link points at nothing ({target})", path);
            full = Path.TrimEndingDirectorySeparator(final.FullName);
        }
        var name = Path.GetFileName(full);
        if (Directory.Exists(full))
        {
            if (!recursive)
                throw new CliException($"{path} is a directory: use -r to add it recursively", ExitCodes.Usage);
            return new Item(name, Kind.Directory, full, null);
        }
        if (!File.Exists(full))
            throw new FileNotFoundException($"{path}: no such file or directory", path);
        return new Item(name, Kind.File, full, null);
    }

    /// <summary>The kernel's links to a process's open files: /dev/stdin, /dev/fd/N, /proc/self/fd/N.</summary>
    private static bool IsProcessLink(string full) =>
        full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal);

    /// <summary>The importer's input for <paramref name="item"/>; streams it opens are added to <paramref name="opened"/>.</summary>
    public static ImportInput ToImportInput(Item item, List<Stream> opened) => item.Kind switch
    {
        Kind.Stdin => ImportInput.FromStream(Open(item, opened), item.Name),
        Kind.Device => ImportInput.FromStream(Open(item, opened), item.Name),
        _ => ImportInput.FromPath(item.Path!),
    };

    /// <summary>Bytes the items hold, for the progress bar (0 for what cannot be sized: stdin, a pipe, an unreadable tree).</summary>
    public static long SizeOf(Item item)
    {
        try
        {
            return item.Kind switch
            {
                Kind.File => new FileInfo(item.Path!).Length,
                Kind.Directory => new DirectoryInfo(item.Path!).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.LinkTarget is null ? f.Length : 0),
                _ => 0,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// What one read of a file part takes, and so what one write to the daemon's socket sends. Each read of a file
    /// opened for synchronous use is handed to a thread-pool thread, so 64 KiB cost 4,131 reads, as many sends and
    /// 8,907 `sched_yield` of spinning workers per 256 MiB (`strace -c -f` of the CLI); with 1 MiB, 319 reads, 423
    /// sends and 2,125 `sched_yield`. Only one part is read at a time, so the CLI holds one such buffer.
    /// </summary>
    internal const int UploadBufferSize = 1 << 20;

    /// <summary>
    /// kubo's multipart layout (boxo files.MultiFileReader): one part per file, directory and symlink, named by its
    /// URL-escaped relative path; a directory is <c>application/x-directory</c>, a symlink <c>application/symlink</c>
    /// with its target as the body, and unnamed stdin a part with an empty file name.
    /// </summary>
    public static void AddParts(MultipartFormDataContent body, Item item, List<Stream> opened)
    {
        switch (item.Kind)
        {
            case Kind.Stdin:
            case Kind.Device:
                Add(body, new StreamContent(Open(item, opened), UploadBufferSize), "application/octet-stream", item.Name);
                break;
            case Kind.Symlink:
                Add(body, new ByteArrayContent(Encoding.UTF8.GetBytes(item.LinkTarget!)), "application/symlink", item.Name);
                break;
            default:
                AddTree(body, new FileInfo(item.Path!) is { Exists: true } file ? file : new DirectoryInfo(item.Path!), item.Name, opened);
                break;
        }
    }

    private static void AddTree(MultipartFormDataContent body, FileSystemInfo entry, string name, List<Stream> opened)
    {
        if (entry.LinkTarget is { } target)
        {
            Add(body, new ByteArrayContent(Encoding.UTF8.GetBytes(target)), "application/symlink", name);
            return;
        }
        if (entry is DirectoryInfo directory)
        {
            Add(body, new ByteArrayContent([]), "application/x-directory", name);
            foreach (var child in directory.EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal))
                AddTree(body, child, $"{name}/{child.Name}", opened);
            return;
        }
        var stream = File.OpenRead(entry.FullName);
        opened.Add(stream);
        Add(body, new StreamContent(stream, UploadBufferSize), "application/octet-stream", name);
    }

    private static void Add(MultipartFormDataContent body, HttpContent part, string contentType, string name)
    {
        part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        // Set by hand: MultipartFormDataContent.Add refuses the empty file name kubo gives unnamed stdin.
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data")
        {
            Name = "\"file\"",
            FileName = $"\"{Uri.EscapeDataString(name)}\"",
        };
        body.Add(part);
    }

    private static Stream Open(Item item, List<Stream> opened)
    {
        var stream = item.Kind == Kind.Stdin ? Console.OpenStandardInput() : File.OpenRead(item.Path!);
        opened.Add(stream);
        return stream;
    }
}
