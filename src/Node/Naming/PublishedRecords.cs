using P2P.Node.Storage;

namespace P2P.Node.Naming;

/// <summary>
/// The records this node published, one file per name under <c>$REPO/ipns/</c> (the name's base32 CID, which is
/// safe as a file name on any filesystem), each replaced atomically. They give the next publication its sequence
/// (it must always grow, or the network keeps the older record), let the node answer for its own names without a
/// lookup, and tell the republisher what to sign again. Bounded by the keystore: one record per key.
/// </summary>
public sealed class PublishedRecords
{
    public const string DirectoryName = "ipns";

    private readonly string _directory;

    public PublishedRecords(string repoRoot)
    {
        _directory = Path.Join(repoRoot, DirectoryName);
    }

    /// <summary>The last record published under <paramref name="name"/>, or null (none, or an unreadable file).</summary>
    public IpnsRecord? Get(IpnsName name)
    {
        var path = PathOf(name);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return bytes.Length <= IpnsRecord.MaxSize && IpnsRecord.TryParse(bytes, out var record, out _) ? record : null;
    }

    /// <summary>Keeps <paramref name="record"/> as the last one published under <paramref name="name"/> (durably).</summary>
    public void Put(IpnsName name, byte[] record)
    {
        Directory.CreateDirectory(_directory);
        AtomicFile.Write(PathOf(name), record, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Every name with a stored record (for the republisher).</summary>
    public IReadOnlyList<IpnsName> Names()
    {
        if (!Directory.Exists(_directory))
            return [];
        var names = new List<IpnsName>();
        foreach (var file in Directory.EnumerateFiles(_directory))
        {
            if (IpnsName.TryParse(Path.GetFileName(file), out var name, out _))
                names.Add(name);
        }
        return names;
    }

    private string PathOf(IpnsName name) => Path.Join(_directory, name.ToBase32String());
}
