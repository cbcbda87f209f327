namespace P2P.Node.Content.Importing;

/// <summary>
/// One top-level item of an add, as kubo's command line hands it to the adder: a file-system entry (a file, a
/// directory, or a symlink, which is stored as a link and never followed) or a stream of bytes (stdin, a pipe,
/// an uploaded part). <see cref="Name"/> is what the item is called in the output and in a wrapping directory;
/// null means unnamed (stdin without <c>--stdin-name</c>), which kubo names by the item's own CID.
/// </summary>
public sealed class ImportInput
{
    private ImportInput(string? name, FileSystemInfo? item, Stream? data)
    {
        Name = string.IsNullOrEmpty(name) ? null : name;
        Item = item;
        Data = data;
    }

    public string? Name { get; }

    /// <summary>The entry to walk, when this input is a path; not resolved, so a symlink stays a symlink.</summary>
    public FileSystemInfo? Item { get; }

    /// <summary>The bytes of a file, when this input is a stream.</summary>
    public Stream? Data { get; }

    /// <summary>
    /// The entry at <paramref name="path"/> as it is on disk, without following a symlink there (kubo's Lstat), named
    /// by its file name. Throws <see cref="FileNotFoundException"/> when nothing is there.
    /// </summary>
    public static ImportInput FromPath(string path)
    {
        var item = Entry(path);
        return new ImportInput(item.Name, item, null);
    }

    /// <summary>A regular file added without a name (an upload's unnamed part): named by its CID, as stdin is.</summary>
    public static ImportInput FromUnnamedFile(string path) => new(null, Entry(path), null);

    /// <summary>A file whose bytes are read from <paramref name="data"/> (not disposed here).</summary>
    public static ImportInput FromStream(Stream data, string? name) => new(name, null, data);

    private static FileSystemInfo Entry(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var file = new FileInfo(full);
        FileSystemInfo item = file.Exists || file.LinkTarget is not null ? file : new DirectoryInfo(full);
        if (!item.Exists && item.LinkTarget is null)
            throw new FileNotFoundException($"{path}: no such file or directory", path);
        return item;
    }

    /// <summary>True when this input is a directory to walk (not a symlink to one).</summary>
    public bool IsDirectory => Item is DirectoryInfo && Item.LinkTarget is null;
}
