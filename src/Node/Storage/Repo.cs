using P2P.Node.Storage.Pack;
namespace P2P.Node.Storage;

/// <summary>
/// A p2p repo on disk: config.json, identity.key, blocks/ (pack or flatfs), pins.json, version, repo.lock, and
/// scratch/ for uploads in progress.
/// An open Repo holds an exclusive lock on repo.lock for its lifetime (FileShare.None, which .NET implements
/// with flock(2) on Unix), so the kernel releases it if the process dies and a second process, or a second
/// Open in this one, gets a clear error instead of a corrupted repo.
/// </summary>
public sealed class Repo : IDisposable
{
    /// <summary>The on-disk layout this code reads and writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Environment variable that overrides the default location, like kubo's IPFS_PATH.</summary>
    public const string PathVariable = "P2P_PATH";

    public const string ConfigFileName = "config.json";
    public const string IdentityFileName = "identity.key";
    public const string BlocksDirectoryName = "blocks";
    public const string PinsFileName = "pins.json";
    public const string VersionFileName = "version";
    public const string LockFileName = "repo.lock";
    public const string ScratchDirectoryName = RepoScratch.DirectoryName;

    private readonly FileStream _lock;
    private int _disposed;

    private Repo(string path, FileStream repoLock, RepoConfig config, IBlockStore blocks, PinStore pins, (int Entries, long Bytes) swept = default)
    {
        RootPath = path;
        Swept = swept;
        _lock = repoLock;
        Config = config;
        Blocks = blocks;
        Pins = pins;
    }

    public string RootPath { get; }

    /// <summary>What the open removed that a dead process had left: scratch uploads and temp files.</summary>
    public (int Entries, long Bytes) Swept { get; }

    /// <summary>The config as loaded; change it with <see cref="SaveConfig"/>.</summary>
    public RepoConfig Config { get; private set; }

    /// <summary>A <see cref="PackBlockStore"/> or a <see cref="FlatFsBlockStore"/>, per the layout of blocks/.</summary>
    public IBlockStore Blocks { get; }

    public PinStore Pins { get; }

    /// <summary>Hold <see cref="GcGate.EnterShared"/> from the first put of an add until its pin is recorded.</summary>
    public GcGate GcGate { get; } = new();

    /// <summary>The repo path to use: <paramref name="explicitPath"/>, else $P2P_PATH, else ~/.p2p.</summary>
    public static string ResolvePath(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return Path.GetFullPath(explicitPath);
        var fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return Path.GetFullPath(fromEnvironment);
        return Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".p2p");
    }

    public static bool Exists(string path) => File.Exists(Path.Join(path, VersionFileName));

    /// <summary>
    /// Creates a repo in <paramref name="path"/>, which must be absent or an empty directory (init never
    /// overwrites anything), and returns it open. The version file is written last, so an init that crashed
    /// midway leaves no repo that Open would accept.
    /// </summary>
    public static Repo Init(string path, RepoConfig? config = null)
    {
        path = Path.GetFullPath(path);
        config ??= new RepoConfig();
        var errors = config.Validate();
        if (errors.Count > 0)
            throw new RepoException(RepoErrorReason.InvalidConfig, $"invalid config for new repo: {string.Join("; ", errors)}");
        if (Exists(path))
            throw new RepoException(RepoErrorReason.AlreadyExists, $"a p2p repo already exists at {path}");
        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
            throw new RepoException(RepoErrorReason.AlreadyExists, $"{path} is not empty: refusing to create a repo in it");
        if (File.Exists(path))
            throw new RepoException(RepoErrorReason.AlreadyExists, $"{path} is a file, not a directory");
        Directory.CreateDirectory(path);
        var repoLock = AcquireLock(path);
        try
        {
            var peerId = IdentityKeyFile.Create(Path.Join(path, IdentityFileName));
            config.Identity = new RepoIdentity { PeerId = peerId.ToString() };
            config.Save(Path.Join(path, ConfigFileName));
            var blocks = OpenBlockStore(Path.Join(path, BlocksDirectoryName), config.BlockStore, config.SyncPolicy);
            // Before the version file: a repo that opens has its pin marker, so losing pins.json is noticed.
            var pins = PinStore.Open(Path.Join(path, PinsFileName));
            AtomicFile.Write(Path.Join(path, VersionFileName), System.Text.Encoding.ASCII.GetBytes($"{CurrentVersion}\n"));
            return new Repo(path, repoLock, config, blocks, pins);
        }
        catch
        {
            repoLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens an existing repo, taking its lock and removing what a dead process left: temp files of interrupted
    /// writes and scratch uploads (holding the lock proves their owner is gone).
    /// </summary>
    public static Repo Open(string path)
    {
        path = Path.GetFullPath(path);
        if (!Exists(path))
            throw new RepoException(RepoErrorReason.NotFound, $"no p2p repo at {path}: run `p2p init`");
        var repoLock = AcquireLock(path);
        try
        {
            CheckVersion(path);
            var config = RepoConfig.Load(Path.Join(path, ConfigFileName));
            CheckIdentity(path, config);
            var swept = RepoScratch.Sweep(path);
            var blocksDirectory = Path.Join(path, BlocksDirectoryName);
            var blocks = OpenBlockStore(blocksDirectory, DetectBlockStore(blocksDirectory) ?? config.BlockStore, config.SyncPolicy);
            (blocks as FlatFsBlockStore)?.RemoveTemporaryFiles();
            var pins = PinStore.Open(Path.Join(path, PinsFileName));
            return new Repo(path, repoLock, config, blocks, pins, swept);
        }
        catch
        {
            repoLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A fresh path under scratch/ for one job (the daemon saves a multipart add there); the caller creates and
    /// deletes it. If the process dies first, the next open of the repo removes it.
    /// </summary>
    public string NewScratchPath(string purpose) => RepoScratch.NewPath(RootPath, purpose);

    /// <summary>The 32-byte Ed25519 private key; refuses a key file others can read or of the wrong size.</summary>
    public byte[] ReadIdentityKey() => IdentityKeyFile.Read(Path.Join(RootPath, IdentityFileName));

    /// <summary>
    /// Validates and atomically replaces config.json. The sync policy applies from the next open. The recorded
    /// identity is carried over when <paramref name="config"/> has none, and cannot be changed here.
    /// </summary>
    public void SaveConfig(RepoConfig config)
    {
        config.Identity ??= Config.Identity;
        if (config.Identity?.PeerId != Config.Identity?.PeerId)
            throw new RepoException(RepoErrorReason.InvalidConfig, $"identity.peerId is {Config.Identity?.PeerId}, set from identity.key; it cannot be changed");
        config.Save(Path.Join(RootPath, ConfigFileName));
        Config = config;
    }

    public RepoStat Stat()
    {
        long count = 0, bytes = 0;
        if (Blocks is PackBlockStore pack)
        {
            (count, bytes, _) = pack.Stat();
        }
        else if (Blocks is FlatFsBlockStore flatfs)
        {
            foreach (var (path, multihash) in flatfs.EnumerateBlockFiles())
            {
                if (multihash is null)
                    continue;
                var info = new FileInfo(path);
                if (!info.Exists)
                    continue;
                count++;
                bytes += info.Length;
            }
        }
        var policy = Blocks switch
        {
            PackBlockStore p => p.SyncPolicy,
            FlatFsBlockStore f => f.SyncPolicy,
            _ => Config.SyncPolicy,
        };
        return new RepoStat(RootPath, CurrentVersion, count, bytes, Pins.Count, policy,
            DiskBytes: DiskUsage.FileBytes(RootPath), ScratchBytes: RepoScratch.Measure(RootPath));
    }

    /// <summary>
    /// `repo gc`: removes every block not reachable from a pin or from the MFS root (<see cref="MfsRootFile"/>). Waits for running adds to finish. Refuses, removing
    /// nothing, while the pin set is unknown (<see cref="PinStore.Problem"/>): zero pins would mean "delete everything".
    /// </summary>
    public GcResult CollectGarbage(ILinkDecoder links, CancellationToken cancellationToken = default)
    {
        if (Pins.Problem is { } problem)
            throw new RepoException(RepoErrorReason.Corrupt, $"gc refused, nothing removed: {problem}");
        using (GcGate.EnterExclusive())
        {
            // The MFS root is read under the exclusive gate: a `files` write holds the shared one until its root lands.
            var mfsRoot = MfsRootFile.Read(RootPath);
            var result = GarbageCollector.Collect(Blocks, Pins.List(), mfsRoot is null ? [] : [mfsRoot], links, cancellationToken);
            if (Blocks is not PackBlockStore pack)
                return result;
            // Deletes in a pack only append tombstones; compaction is what gives the space back. It is also where
            // damage in a segment comes to light. Mark does not look for raw leaves, so the pins are walked again
            // (an index lookup per leaf) to name any block that damage, here or found at open, took from a pin.
            var compaction = pack.Compact(PackBlockStore.DefaultGarbageThreshold, cancellationToken);
            var missing = GarbageCollector.FindMissing(Blocks, Pins.List(), links, cancellationToken);
            return result with { Damaged = compaction.Damaged, Repaired = compaction.Repaired, Shortfall = compaction.Shortfall, Missing = missing };
        }
    }

    /// <summary>`repo verify`: re-hashes every block in parallel.</summary>
    public VerifyResult Verify(CancellationToken cancellationToken = default) => BlockVerifier.Verify(Blocks, cancellationToken);

    /// <summary>`repo verify` as the CLI runs it: <see cref="Verify(CancellationToken)"/>, then every block the pins need must be there.</summary>
    public VerifyResult Verify(ILinkDecoder links, CancellationToken cancellationToken = default)
    {
        var result = BlockVerifier.Verify(Blocks, cancellationToken);
        // An unknown pin set cannot be walked; the caller reports Pins.Problem itself, after the block check.
        if (Pins.Problem is not null)
            return result;
        using (GcGate.EnterShared())
            return result with { Missing = GarbageCollector.FindMissing(Blocks, Pins.List(), links, cancellationToken) };
    }

    /// <summary>The layout an existing blocks/ directory has ("flatfs" or "pack"), or null if it has neither marker yet.</summary>
    public static string? DetectBlockStore(string blocksDirectory)
    {
        if (File.Exists(Path.Join(blocksDirectory, PackBlockStore.FormatFileName)))
            return RepoConfig.PackBlockStore;
        if (File.Exists(Path.Join(blocksDirectory, "SHARDING")))
            return RepoConfig.FlatFsBlockStore;
        return null;
    }

    private static IBlockStore OpenBlockStore(string directory, string kind, SyncPolicy syncPolicy) => kind switch
    {
        RepoConfig.FlatFsBlockStore => new FlatFsBlockStore(directory, syncPolicy),
        _ => new PackBlockStore(directory, syncPolicy),
    };

    /// <summary>Makes blocks durable per the sync policy, marks the block store cleanly closed, then releases the lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            (Blocks as IDisposable)?.Dispose();
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private static FileStream AcquireLock(string path)
    {
        var lockPath = Path.Join(path, LockFileName);
        try
        {
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(lockPath))
        {
            throw new RepoException(RepoErrorReason.Locked, $"repo {path} is in use by another p2p process (a running daemon?)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RepoException(RepoErrorReason.NotFound, $"cannot open repo lock {lockPath}: {e.Message}", e);
        }
    }

    /// <summary>
    /// identity.key must be the key of the PeerId in config.json: anything else (another repo's key, 32 random
    /// bytes) would silently become a new identity. A config from before the field gets the key's PeerId recorded.
    /// </summary>
    private static void CheckIdentity(string path, RepoConfig config)
    {
        var keyPath = Path.Join(path, IdentityFileName);
        var actual = IdentityKeyFile.ReadPeerId(keyPath);
        if (config.Identity?.PeerId is not { } recorded)
        {
            config.Identity = new RepoIdentity { PeerId = actual.ToString() };
            config.Save(Path.Join(path, ConfigFileName));
            return;
        }
        if (!Multiformats.PeerId.Parse(recorded).Equals(actual))
            throw new RepoException(RepoErrorReason.InvalidIdentity,
                $"identity key {keyPath} is the key of {actual}, but this repo is {recorded} (identity.peerId in {ConfigFileName}): " +
                "put the repo's own identity.key back");
    }

    private static void CheckVersion(string path)
    {
        var text = File.ReadAllText(Path.Join(path, VersionFileName)).Trim();
        if (!int.TryParse(text, out var version) || version < 1)
            throw new RepoException(RepoErrorReason.Corrupt, $"repo {path} has an unreadable version file ('{Truncate(text)}')");
        if (version > CurrentVersion)
            throw new RepoException(RepoErrorReason.UnsupportedVersion,
                $"repo {path} is version {version}, newer than this p2p understands ({CurrentVersion}): upgrade p2p");
    }

    private static string Truncate(string s) => s.Length <= 16 ? s : s[..16] + "…";
}
