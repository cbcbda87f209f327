using P2P.Node.Multiformats;
using P2P.Node.Security;

namespace P2P.Node.Storage;

/// <summary>
/// identity.key: the node's Ed25519 private key as 32 raw bytes (NSec's RawPrivateKey, the RFC 8032 seed).
/// Created with mode 0600 in the open call itself, so there is no moment when others could read it.
/// </summary>
internal static class IdentityKeyFile
{
    public const int KeyLength = 32;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Generates a fresh key and writes it; fails if the file exists. Returns the key's PeerId, to record.</summary>
    public static PeerId Create(string path)
    {
        // Keys are made in Security; this file only keeps their bytes.
        using var identity = NodeIdentity.Generate();
        var peerId = identity.PeerId;
        var raw = identity.ExportPrivateKey();
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = OwnerOnly;
            using var stream = new FileStream(path, options);
            stream.Write(raw);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            Array.Clear(raw);
        }
        return peerId;
    }

    /// <summary>The PeerId of the key in <paramref name="path"/>, after the checks of <see cref="Read"/>.</summary>
    public static PeerId ReadPeerId(string path)
    {
        var raw = Read(path);
        try
        {
            if (!NodeIdentity.TryFromPrivateKey(raw, out var identity, out var error))
                throw new RepoException(RepoErrorReason.InvalidIdentity, $"identity key {path} is not usable: {error}");
            using (identity)
                return identity!.PeerId;
        }
        finally
        {
            Array.Clear(raw);
        }
    }

    public static byte[] Read(string path)
    {
        if (!File.Exists(path))
            throw new RepoException(RepoErrorReason.InvalidIdentity, $"identity key {path} is missing");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
            throw new RepoException(RepoErrorReason.InvalidIdentity,
                $"identity key {path} is accessible by other users: run `chmod 600 {path}`");
        var length = new FileInfo(path).Length;
        if (length != KeyLength)
            throw new RepoException(RepoErrorReason.InvalidIdentity,
                $"identity key {path} is {length} bytes, not the {KeyLength} of an Ed25519 private key");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != KeyLength)
            throw new RepoException(RepoErrorReason.InvalidIdentity, $"identity key {path} changed while being read");
        return bytes;
    }
}
