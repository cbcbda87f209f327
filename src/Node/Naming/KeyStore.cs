using System.Text;
using P2P.Node.Errors;
using P2P.Node.Multiformats;
using P2P.Node.Security;
using P2P.Node.Storage;

namespace P2P.Node.Naming;

/// <summary>
/// The repo's named Ed25519 keys for IPNS (kubo's keystore): <c>$REPO/keystore/</c>, mode 0700, one file per key named
/// <c>key_</c> + the name in lower-case unpadded base32 and holding the libp2p PrivateKey message, mode 0600, written
/// through <see cref="AtomicFile"/> — the same file names and bytes as kubo's, so a key file copies between the two.
/// The node's own identity key is <c>self</c> (identity.key, <see cref="IdentityKeyFile"/>): listed first, readable,
/// never generated, removed, renamed, overwritten or exported here. Operations of one process are serialised by one
/// lock; two processes never share a repo (the repo lock), except for the read-only <see cref="Export"/>.
/// </summary>
public sealed class KeyStore
{
    public const string DirectoryName = "keystore";
    public const string SelfName = "self";

    /// <summary>Longest name in UTF-8 bytes; its file name ("key_" + base32) stays under the 255 bytes of ext4 and xfs.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Most keys kept, so a script gone wrong cannot fill the directory.</summary>
    public const int MaxKeys = 4096;

    private const string FilePrefix = "key_";
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Serialises every change and read of every keystore in the process (key operations are rare and small).</summary>
    private static readonly Lock Gate = new();

    private readonly string _repoRoot;

    public KeyStore(string repoRoot)
    {
        _repoRoot = repoRoot;
        DirectoryPath = Path.Join(repoRoot, DirectoryName);
    }

    public static KeyStore Open(Repo repo) => new(repo.RootPath);

    public string DirectoryPath { get; }

    /// <summary>The signing key called <paramref name="name"/> (the caller disposes it).</summary>
    /// <exception cref="P2PException">NotFound when no key has that name; BadInput for an invalid name.</exception>
    public NodeIdentity Get(string name)
    {
        if (name == SelfName)
            return Self();
        lock (Gate)
            return Read(PathOf(name), name) ?? throw NoSuchKey(name);
    }

    /// <summary>Every key: <c>self</c> first, then the others by name (ordinal), as kubo lists them.</summary>
    public IReadOnlyList<KeyInfo> List()
    {
        using var self = Self();
        var keys = new List<KeyInfo> { new(SelfName, self.PeerId) };
        lock (Gate)
        {
            if (!Directory.Exists(DirectoryPath))
                return keys;
            var named = new List<KeyInfo>();
            foreach (var path in Directory.EnumerateFiles(DirectoryPath, FilePrefix + "*"))
            {
                // A file whose name does not decode, or whose bytes are no usable key, is skipped as kubo does.
                if (DecodeFileName(Path.GetFileName(path)) is not { } name || name == SelfName)
                    continue;
                using var key = TryRead(path);
                if (key is not null)
                    named.Add(new KeyInfo(name, key.PeerId));
            }
            keys.AddRange(named.OrderBy(k => k.Name, StringComparer.Ordinal));
        }
        return keys;
    }

    /// <summary>Makes a new Ed25519 key called <paramref name="name"/>; <paramref name="type"/> other than ed25519 is refused.</summary>
    public KeyInfo Generate(string name, string type = "ed25519")
    {
        if (!string.Equals(type, "ed25519", StringComparison.OrdinalIgnoreCase))
            throw new P2PException(ErrorKind.BadInput, $"unsupported key type '{type}': only ed25519 keys are supported");
        if (name == SelfName)
            throw new P2PException(ErrorKind.BadInput, "cannot create key with name 'self'");
        using var key = NodeIdentity.Generate();
        return Store(name, key);
    }

    /// <summary>Stores a key read from a libp2p PrivateKey message (kubo's export format) under <paramref name="name"/>.</summary>
    public KeyInfo Import(string name, ReadOnlySpan<byte> privateKeyMessage)
    {
        if (name == SelfName)
            throw new P2PException(ErrorKind.BadInput, "cannot import key with name 'self'");
        ValidateName(name);
        if (!Libp2pKey.TryDecodePrivateKey(privateKeyMessage, out var key, out var error))
            throw new P2PException(ErrorKind.BadInput, $"cannot import key: {error}");
        using (key)
            return Store(name, key!);
    }

    /// <summary>The libp2p PrivateKey message of <paramref name="name"/> (kubo's export format); self is refused as in kubo.</summary>
    public byte[] Export(string name)
    {
        if (name == SelfName)
            throw new P2PException(ErrorKind.BadInput, "cannot export key with name 'self'");
        using var key = Get(name);
        return Libp2pKey.EncodePrivateKey(key);
    }

    /// <summary>Deletes <paramref name="name"/> and returns what it was.</summary>
    public KeyInfo Remove(string name)
    {
        if (name == SelfName)
            throw new P2PException(ErrorKind.BadInput, "cannot remove key with name 'self'");
        lock (Gate)
        {
            var path = PathOf(name);
            using var key = Read(path, name) ?? throw NoSuchKey(name);
            File.Delete(path);
            Posix.FsyncDirectory(DirectoryPath);
            return new KeyInfo(name, key.PeerId);
        }
    }

    /// <summary>Renames a key; an existing <paramref name="newName"/> is replaced only with <paramref name="force"/>.</summary>
    public (KeyInfo Key, bool Overwritten) Rename(string oldName, string newName, bool force)
    {
        if (oldName == SelfName)
            throw new P2PException(ErrorKind.BadInput, "cannot rename key with name 'self'");
        if (newName == SelfName)
            throw new P2PException(ErrorKind.BadInput, "cannot overwrite key with name 'self'");
        lock (Gate)
        {
            var from = PathOf(oldName);
            var to = PathOf(newName);
            using var key = Read(from, oldName) ?? throw NoSuchKey(oldName);
            if (oldName == newName)
                return (new KeyInfo(newName, key.PeerId), false);
            var overwritten = File.Exists(to);
            if (overwritten && !force)
                throw new P2PException(ErrorKind.Conflict, "key by that name already exists, refusing to overwrite");
            // rename(2) replaces the target atomically: either name holds the whole key at every moment.
            File.Move(from, to, overwrite: true);
            Posix.FsyncDirectory(DirectoryPath);
            return (new KeyInfo(newName, key.PeerId), overwritten);
        }
    }

    /// <summary>
    /// Refuses a name kubo users could not type back or that the file system could not hold: empty, over
    /// <see cref="MaxNameLength"/> bytes, with a path separator or a control character.
    /// </summary>
    public static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new P2PException(ErrorKind.BadInput, "key name must be at least one character");
        if (Encoding.UTF8.GetByteCount(name) > MaxNameLength)
            throw new P2PException(ErrorKind.BadInput, $"key name is longer than {MaxNameLength} bytes");
        if (name.Contains('/') || name.Contains('\\'))
            throw new P2PException(ErrorKind.BadInput, "key names may not contain slashes");
        if (name.Any(char.IsControl))
            throw new P2PException(ErrorKind.BadInput, "key names may not contain control characters");
    }

    private KeyInfo Store(string name, NodeIdentity key)
    {
        ValidateName(name);
        var message = Libp2pKey.EncodePrivateKey(key);
        try
        {
            lock (Gate)
            {
                EnsureDirectory();
                var path = PathOf(name);
                if (File.Exists(path))
                    throw new P2PException(ErrorKind.Conflict, $"key with name '{name}' already exists");
                if (Directory.EnumerateFiles(DirectoryPath, FilePrefix + "*").Count() >= MaxKeys)
                    throw new P2PException(ErrorKind.Conflict, $"the keystore holds {MaxKeys} keys already: remove some first");
                AtomicFile.Write(path, message, FileMode);
            }
        }
        finally
        {
            Array.Clear(message);
        }
        return new KeyInfo(name, key.PeerId);
    }

    private NodeIdentity Self()
    {
        var raw = IdentityKeyFile.Read(Path.Join(_repoRoot, Repo.IdentityFileName));
        try
        {
            return NodeIdentity.FromPrivateKey(raw);
        }
        finally
        {
            Array.Clear(raw);
        }
    }

    private void EnsureDirectory()
    {
        if (Directory.Exists(DirectoryPath))
            return;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(DirectoryPath);
        else
            Directory.CreateDirectory(DirectoryPath, DirectoryMode);
        Posix.FsyncDirectory(_repoRoot);
    }

    private string PathOf(string name)
    {
        ValidateName(name);
        return Path.Join(DirectoryPath, FilePrefix + Multibase.EncodeBase32(Encoding.UTF8.GetBytes(name)));
    }

    private static string? DecodeFileName(string fileName)
    {
        if (!fileName.StartsWith(FilePrefix, StringComparison.Ordinal) || fileName.EndsWith(AtomicFile.TempExtension, StringComparison.Ordinal))
            return null;
        var bytes = Multibase.TryDecodeBase32(fileName.AsSpan(FilePrefix.Length));
        if (bytes is null)
            return null;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The key at <paramref name="path"/>; null when absent; a damaged file is an error naming the key.</summary>
    private static NodeIdentity? Read(string path, string name)
    {
        if (!File.Exists(path))
            return null;
        var bytes = ReadBounded(path);
        try
        {
            return Libp2pKey.TryDecodePrivateKey(bytes, out var key, out var error)
                ? key
                : throw new P2PException(ErrorKind.Corrupt, $"key '{name}' in {path} is not usable: {error}");
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    private static NodeIdentity? TryRead(string path)
    {
        var bytes = ReadBounded(path);
        try
        {
            return Libp2pKey.TryDecodePrivateKey(bytes, out var key, out _) ? key : null;
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    private static byte[] ReadBounded(string path)
    {
        var length = new FileInfo(path).Length;
        return length > Libp2pKey.MaxEncodedLength ? [] : File.ReadAllBytes(path);
    }

    private static P2PException NoSuchKey(string name) => new(ErrorKind.NotFound, $"no key named {name} was found");
}
