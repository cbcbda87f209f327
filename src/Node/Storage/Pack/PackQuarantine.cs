using P2P.Node.Multiformats;

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
    private const string LostPrefix = "lost ";
    private const long MaxNoteBytes = 64L << 20;

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

    /// <summary>
    /// Records a loss that has no bytes to keep (a segment deleted, a tail cut): a summary line, then one
    /// <c>lost CID</c> line per block known to have been in the lost bytes. Durable (temp, fsync, rename); false when
    /// it could not be written.
    /// </summary>
    public static bool Note(string root, string name, string summary, IEnumerable<string> lostBlocks)
    {
        var text = new System.Text.StringBuilder(summary).Append('\n');
        foreach (var block in lostBlocks)
            text.Append(LostPrefix).Append(block).Append('\n');
        try
        {
            Directory.CreateDirectory(DirectoryOf(root));
            AtomicFile.Write(Path.Join(DirectoryOf(root), name + NoteExtension), System.Text.Encoding.UTF8.GetBytes(text.ToString()));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The note file a loss named <paramref name="name"/> is recorded in.</summary>
    public static string NotePath(string root, string name) => Path.Join(DirectoryOf(root), name + NoteExtension);

    /// <summary>The blocks the notes in quarantine name as lost, each with the note that names it.</summary>
    public static List<LostBlock> ListLost(string root)
    {
        var lost = new List<LostBlock>();
        var directory = DirectoryOf(root);
        if (!Directory.Exists(directory))
            return lost;
        foreach (var path in Directory.EnumerateFiles(directory, "*" + NoteExtension).Order(StringComparer.Ordinal))
        {
            foreach (var line in ReadLines(path))
            {
                if (line.StartsWith(LostPrefix, StringComparison.Ordinal) && Cid.TryParse(line[LostPrefix.Length..].Trim(), out var cid, out _))
                    lost.Add(new LostBlock(cid!, path));
            }
        }
        return lost;
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

    /// <summary>A note's summary: every line but the <c>lost CID</c> ones (listed by <see cref="ListLost"/>), bounded.</summary>
    private static string ReadNote(string path)
    {
        var text = string.Join(' ', ReadLines(path).Where(static l => !l.StartsWith(LostPrefix, StringComparison.Ordinal)).Select(static l => l.Trim())).Trim();
        return text.Length <= 500 ? text : text[..500];
    }

    private static List<string> ReadLines(string path)
    {
        try
        {
            // A note names at most the blocks of one segment; refuse to read anything absurdly larger.
            if (new FileInfo(path).Length > MaxNoteBytes)
                return [$"{path} is larger than {MaxNoteBytes} bytes; read it directly"];
            return File.ReadAllLines(path).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [e.Message];
        }
    }
}
