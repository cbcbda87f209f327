using P2P.Node.Errors;

namespace P2P.Node.Mfs;

/// <summary>
/// The sentences kubo's `files` commands print (boxo mfs and kubo core/commands/files.go), each with the kind that
/// picks p2p's exit code and HTTP status.
/// </summary>
public static class MfsError
{
    /// <summary>Go's os.ErrNotExist, as boxo mfs returns it for a missing name.</summary>
    public static P2PException NotExist() => new(ErrorKind.NotFound, "file does not exist");

    /// <summary>Go's os.ErrExist: mkdir of a name already taken.</summary>
    public static P2PException Exists() => new(ErrorKind.Conflict, "file already exists");

    /// <summary>boxo mfs ErrDirExists: adding a link under a name already taken.</summary>
    public static P2PException EntryExists() => new(ErrorKind.Conflict, "directory already has entry by that name");

    public static P2PException NotDirectory(string path) => new(ErrorKind.BadInput, $"{path} is not a directory");

    public static P2PException NotFile(string path) => new(ErrorKind.BadInput, $"{path} was not a file");

    public static P2PException Bad(string sentence) => new(ErrorKind.BadInput, sentence);
}
