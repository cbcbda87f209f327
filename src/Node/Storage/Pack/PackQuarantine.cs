namespace P2P.Node.Storage.Pack;

/// <summary>
/// <c>blocks/quarantine/</c>: where the pack store puts what it could not read, so nothing is silently dropped.
/// A <c>.bad</c> file holds a damaged run of a segment, copied out byte for byte before the segment may go; a
/// <c>.note</c> file says what was lost without bytes to keep (a segment deleted, a tail cut). `repo verify`
/// lists every file here and fails while any is left: the user re-fetches or re-adds what was lost, then
/// deletes the file.
/// </summary>
internal static class PackQuarantine
{
    public const string DirectoryName = "quarantine";

    private const string BadExtension = ".bad";
    private const string NoteExtension = ".note";

    public static string DirectoryOf(string root) => Path.Join(root, DirectoryName);

    /// <summary>The file a damaged run is copied to; one name per segment and offset, so saving twice is harmless.</summary>
    public static string PathFor(string root, PackSegment segment, long start) =>
        Path.Join(DirectoryOf(root), $"{Path.GetFileNameWithoutExtension(segment.Path)}-{start:D12}{BadExtension}");

    /// <summary>Copies the damaged run out, durably (temp file, fsync, rename). False when it cannot (a full disk): keep the segment then.</summary>
    public static bool Save(string root, PackSegment segment, PackDamage damage)
    {
        var target = PathFor(root, segment, damage.Start);
        if (File.Exists(target) && new FileInfo(target).Length == damage.Length)
            return true;
        try
        {
            Directory.CreateDirectory(DirectoryOf(root));
            // One fixed temp name per target: a copy cut short by a crash is overwritten by the next attempt.
            AtomicFile.Write(target, output => CopyOut(segment, damage, output), tempPath: target + AtomicFile.TempExtension);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void CopyOut(PackSegment segment, PackDamage damage, Stream output)
    {
        var buffer = new byte[1 << 20];
        for (long at = 0; at < damage.Length;)
        {
            var want = (int)Math.Min(buffer.Length, damage.Length - at);
            var got = PackScanner.ReadFully(segment.Handle, buffer.AsSpan(0, want), damage.Start + at);
            if (got == 0)
                break;
            output.Write(buffer, 0, got);
            at += got;
        }
    }

    /// <summary>Records a loss that has no bytes to keep. Best effort: the same loss is also reported where it was found.</summary>
    public static void Note(string root, string name, string text)
    {
        try
        {
            Directory.CreateDirectory(DirectoryOf(root));
            AtomicFile.Write(Path.Join(DirectoryOf(root), name + NoteExtension), System.Text.Encoding.UTF8.GetBytes(text + "\n"));
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Everything in quarantine, as verify reports it.</summary>
    public static List<UnreadableBlock> List(string root)
    {
        var found = new List<UnreadableBlock>();
        var directory = DirectoryOf(root);
        if (!Directory.Exists(directory))
            return found;
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            if (path.EndsWith(AtomicFile.TempExtension, StringComparison.Ordinal))
                continue;
            if (path.EndsWith(NoteExtension, StringComparison.Ordinal))
            {
                found.Add(new UnreadableBlock(path, ReadNote(path)));
                continue;
            }
            var length = new FileInfo(path).Length;
            found.Add(new UnreadableBlock(path,
                $"{length} damaged bytes copied out of the pack: the blocks in them are lost unless fetched or added again; delete this file once done"));
        }
        return found;
    }

    private static string ReadNote(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length <= 500 ? text : text[..500];
        }
        catch (IOException e)
        {
            return e.Message;
        }
    }
}
