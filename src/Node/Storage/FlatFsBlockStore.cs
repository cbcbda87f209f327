using System.Collections.Concurrent;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage;

/// <summary>
/// A block store of one file per block, laid out like kubo's flatfs (see <see cref="FlatFsKey"/>). A block is
/// written to a fresh temp file in its own shard directory and renamed into place, so a reader never sees a
/// partial block. The temp file sits beside its target, as flatfs does, because a rename across directories
/// takes the filesystem-wide rename lock on Linux (lock_rename) and would serialise concurrent writers.
/// A crash leaves at worst stray temp files; the <c>.dirty</c> marker, present from the first put until
/// <see cref="Dispose"/>, tells <see cref="RemoveTemporaryFiles"/> that it must look for them, so a clean
/// open does not list a million files. Thread-safe: concurrent puts of one block each rename a complete file
/// over the same name, which is harmless since the bytes are identical.
/// </summary>
public sealed class FlatFsBlockStore : IBlockStore, IDisposable
{
    /// <summary>Largest block accepted or read back (blocks on the wire are at most 2 MiB; the margin is for the future).</summary>
    public const int MaxBlockSize = 4 * 1024 * 1024;

    private const string TempExtension = ".tmp";
    private const string ShardingFileName = "SHARDING";
    private const string DirtyMarkerName = ".dirty";

    private readonly string _dirtyMarker;

    /// <summary>Guards the creation of <see cref="_dirtyMarker"/>; <see cref="_marked"/> is read without it once true.</summary>
    private readonly Lock _markerLock = new();
    private volatile bool _marked;

    /// <summary>Shards known to exist, by <see cref="FlatFsKey.ShardIndex"/>; written racily, which is safe because creation is idempotent.</summary>
    private readonly bool[] _shardExists = new bool[FlatFsKey.ShardCount];

    /// <summary>Files (and shard directories) written since the last Flush under <see cref="SyncPolicy.Batch"/>; concurrent bags, swapped out by Flush.</summary>
    private ConcurrentBag<string> _unsyncedFiles = [];
    private readonly bool[] _unsyncedShards = new bool[FlatFsKey.ShardCount];

    /// <summary>Set when a shard directory was created since the last Flush, so the root directory needs an fsync too.</summary>
    private bool _rootUnsynced;

    /// <summary>Serialises Flush calls so two flushes do not race on the swap of <see cref="_unsyncedFiles"/>.</summary>
    private readonly Lock _flushLock = new();

    /// <summary>Makes temp names unique within this instance; <see cref="_tempPrefix"/> keeps them apart from a crashed session's.</summary>
    private long _tempCounter;
    private readonly string _tempPrefix = Guid.NewGuid().ToString("n")[..8];

    /// <summary>Opens (creating if needed) a flatfs directory. The caller must hold the repo lock.</summary>
    public FlatFsBlockStore(string directory, SyncPolicy syncPolicy = SyncPolicy.Batch)
    {
        RootDirectory = Path.GetFullPath(directory);
        SyncPolicy = syncPolicy;
        _dirtyMarker = Path.Join(RootDirectory, DirtyMarkerName);
        Directory.CreateDirectory(RootDirectory);
        var sharding = Path.Join(RootDirectory, ShardingFileName);
        if (File.Exists(sharding))
        {
            var spec = File.ReadAllText(sharding).Trim();
            if (spec != FlatFsKey.ShardingSpec)
                throw new InvalidDataException($"block directory {RootDirectory} uses sharding '{spec}', but p2p only knows '{FlatFsKey.ShardingSpec}'");
        }
        else
        {
            File.WriteAllText(sharding, FlatFsKey.ShardingSpec + "\n");
        }
    }

    public string RootDirectory { get; }

    public SyncPolicy SyncPolicy { get; }

    /// <summary>Under <see cref="SyncPolicy.Batch"/>, start each block's writeback as it is put (see <see cref="Posix.StartWriteback"/>).</summary>
    internal bool StartWritebackEarly { get; set; } = true;

    /// <summary>Test seam: runs after a block's temp file is written and before it is renamed into place.</summary>
    internal Action<string>? BeforeRename { get; set; }

    public bool Has(Cid cid) => File.Exists(PathOf(cid.Multihash));

    public byte[]? Get(Cid cid) => ReadFile(PathOf(cid.Multihash));

    public int GetSize(Cid cid)
    {
        var info = new FileInfo(PathOf(cid.Multihash));
        return info.Exists ? (int)Math.Min(info.Length, int.MaxValue) : -1;
    }

    public void Put(Cid cid, ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxBlockSize)
            throw new ArgumentException($"block {cid} is {data.Length} bytes, more than the {MaxBlockSize} allowed", nameof(data));
        var key = FlatFsKey.Encode(cid.Multihash.Bytes);
        var shard = FlatFsKey.Shard(key);
        var shardDirectory = Path.Join(RootDirectory, shard);
        var finalPath = Path.Join(shardDirectory, key + FlatFsKey.Extension);
        if (File.Exists(finalPath) && !MustRepair(finalPath, cid, data))
            return;
        var shardIndex = FlatFsKey.ShardIndex(shard);
        if (!_marked)
            MarkDirty();
        EnsureShard(shardDirectory, shardIndex);
        var tempPath = Path.Join(shardDirectory, $"{key}.{_tempPrefix}{Interlocked.Increment(ref _tempCounter)}{TempExtension}");
        try
        {
            try
            {
                WriteAndRename(tempPath, finalPath, data);
            }
            catch (DirectoryNotFoundException)
            {
                // The shard was removed behind our back (by hand, or a restore): recreate it once and retry.
                if (shardIndex >= 0)
                    Volatile.Write(ref _shardExists[shardIndex], false);
                EnsureShard(shardDirectory, shardIndex);
                WriteAndRename(tempPath, finalPath, data);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tempPath);
            var why = e is IOException io && Posix.IsDiskFull(io) ? "the disk is full" : e.Message;
            throw new IOException($"cannot store block {cid} in {RootDirectory}: {why}", e);
        }
        switch (SyncPolicy)
        {
            case SyncPolicy.Always:
                Posix.FsyncDirectory(shardDirectory);
                break;
            case SyncPolicy.Batch:
                _unsyncedFiles.Add(finalPath);
                if (shardIndex >= 0)
                    Volatile.Write(ref _unsyncedShards[shardIndex], true);
                break;
        }
    }

    /// <summary>
    /// Whether a block already held must be written again: its file differs from <paramref name="data"/> (damaged on
    /// disk), and <paramref name="data"/> is the block. So a re-add repairs it, where "present" alone
    /// would keep the damage for good. Only puts of blocks already held pay for it: a read and a compare, and a hash
    /// only when they differ.
    /// </summary>
    private static bool MustRepair(string path, Cid cid, ReadOnlySpan<byte> data)
    {
        try
        {
            if (ReadFile(path) is { } stored && data.SequenceEqual(stored))
                return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Unreadable counts as damaged: the good bytes go over it.
        }
        return cid.Multihash.Matches(data);
    }

    public bool Delete(Cid cid) => Delete(cid.Multihash);

    /// <summary>Removes the block stored under <paramref name="multihash"/>; false if it was not there.</summary>
    public bool Delete(Multihash multihash)
    {
        var path = PathOf(multihash);
        if (!File.Exists(path))
            return false;
        File.Delete(path);
        return true;
    }

    public IEnumerable<Multihash> EnumerateMultihashes()
    {
        foreach (var (_, multihash) in EnumerateBlockFiles())
        {
            if (multihash is not null)
                yield return multihash;
        }
    }

    /// <summary>
    /// Under <see cref="SyncPolicy.Batch"/>, fsyncs every file put since the last flush and then their shard
    /// directories, in parallel: the device gets many requests at once instead of one fsync at a time.
    /// </summary>
    public void Flush()
    {
        if (SyncPolicy != SyncPolicy.Batch)
            return;
        lock (_flushLock)
        {
            // Flags are cleared before the file list is swapped: Put records its file before its flag, so a
            // put racing with this flush is either wholly in this flush or re-flags its shard for the next one.
            var shards = new List<string>();
            for (var i = 0; i < _unsyncedShards.Length; i++)
            {
                if (Volatile.Read(ref _unsyncedShards[i]))
                {
                    Volatile.Write(ref _unsyncedShards[i], false);
                    shards.Add(Path.Join(RootDirectory, ShardName(i)));
                }
            }
            if (Volatile.Read(ref _rootUnsynced))
            {
                Volatile.Write(ref _rootUnsynced, false);
                shards.Add(RootDirectory);
            }
            var files = Interlocked.Exchange(ref _unsyncedFiles, []);
            var options = new ParallelOptions { MaxDegreeOfParallelism = 16 };
            Parallel.ForEach(files, options, static path =>
            {
                try
                {
                    Posix.FsyncPath(path);
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    // Deleted since it was put (gc or block rm): nothing left to make durable.
                }
            });
            Parallel.ForEach(shards, options, Posix.FsyncDirectory);
        }
    }

    /// <summary>
    /// Deletes temp files left by writes that a crash interrupted; returns how many. Scans the shards only when
    /// the last session did not end with <see cref="Dispose"/> (or when <paramref name="force"/> is set).
    /// Call with the repo lock held, before any put.
    /// </summary>
    public int RemoveTemporaryFiles(bool force = false)
    {
        if (!force && !File.Exists(_dirtyMarker))
            return 0;
        var removed = 0;
        foreach (var shardDirectory in EnumerateShardDirectories())
        {
            foreach (var path in Directory.EnumerateFiles(shardDirectory, "*" + TempExtension))
            {
                if (TryDelete(path))
                    removed++;
            }
        }
        if (!_marked)
            TryDelete(_dirtyMarker);
        return removed;
    }

    /// <summary>Flushes, then removes the dirty marker: the next open need not scan for temp files.</summary>
    public void Dispose()
    {
        Flush();
        lock (_markerLock)
        {
            if (_marked && TryDelete(_dirtyMarker))
                _marked = false;
        }
    }

    /// <summary>Every file in the shard directories ending in ".data", with its multihash or null when the name is not a key.</summary>
    internal IEnumerable<(string Path, Multihash? Multihash)> EnumerateBlockFiles()
    {
        foreach (var shardDirectory in EnumerateShardDirectories())
        {
            foreach (var path in Directory.EnumerateFiles(shardDirectory, "*" + FlatFsKey.Extension))
                yield return (path, FlatFsKey.TryDecodeFileName(Path.GetFileName(path)));
        }
    }

    private IEnumerable<string> EnumerateShardDirectories()
    {
        foreach (var shardDirectory in Directory.EnumerateDirectories(RootDirectory))
        {
            var name = Path.GetFileName(shardDirectory);
            if (name.Length == 2 && FlatFsKey.ShardIndex(name) >= 0)
                yield return shardDirectory;
        }
    }

    /// <summary>
    /// Creates the dirty marker before the first temp file of this session can exist. Made durable even under
    /// <see cref="SyncPolicy.None"/>: it is once per session, and a lost marker would hide stray temp files.
    /// </summary>
    private void MarkDirty()
    {
        lock (_markerLock)
        {
            if (_marked)
                return;
            using (var handle = File.OpenHandle(_dirtyMarker, FileMode.OpenOrCreate, FileAccess.Write))
                Posix.FsyncFile(handle, _dirtyMarker);
            Posix.FsyncDirectory(RootDirectory);
            _marked = true;
        }
    }

    /// <summary>Where the block with this multihash lives (whether or not it is there).</summary>
    internal string PathOf(Multihash multihash)
    {
        var key = FlatFsKey.Encode(multihash.Bytes);
        return Path.Join(RootDirectory, FlatFsKey.Shard(key), key + FlatFsKey.Extension);
    }

    /// <summary>Reads a whole block file; null when it does not exist. Checks the length before allocating.</summary>
    internal static byte[]? ReadFile(string path)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        using (handle)
        {
            var length = RandomAccess.GetLength(handle);
            if (length > MaxBlockSize)
                throw new InvalidDataException($"block file {path} is {length} bytes, more than a block may hold ({MaxBlockSize})");
            var buffer = GC.AllocateUninitializedArray<byte>((int)length);
            var read = 0;
            while (read < buffer.Length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read), read);
                if (n == 0)
                    throw new InvalidDataException($"block file {path} shrank while being read");
                read += n;
            }
            return buffer;
        }
    }

    private void WriteAndRename(string tempPath, string finalPath, ReadOnlySpan<byte> data)
    {
        // OpenHandle + RandomAccess writes straight from the caller's span: no FileStream buffer, no copy.
        using (var handle = File.OpenHandle(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, data, 0);
            if (SyncPolicy == SyncPolicy.Always)
                Posix.FsyncFile(handle, tempPath);
            else if (SyncPolicy == SyncPolicy.Batch && StartWritebackEarly)
                Posix.StartWriteback(handle);
        }
        BeforeRename?.Invoke(tempPath);
        File.Move(tempPath, finalPath, overwrite: true);
    }

    private void EnsureShard(string shardDirectory, int shardIndex)
    {
        if (shardIndex >= 0 && Volatile.Read(ref _shardExists[shardIndex]))
            return;
        Directory.CreateDirectory(shardDirectory);
        if (SyncPolicy == SyncPolicy.Always)
            Posix.FsyncDirectory(RootDirectory);
        else if (SyncPolicy == SyncPolicy.Batch)
            Volatile.Write(ref _rootUnsynced, true);
        if (shardIndex >= 0)
            Volatile.Write(ref _shardExists[shardIndex], true);
    }

    private static string ShardName(int index)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        return string.Concat(alphabet[index / 32], alphabet[index % 32]);
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
