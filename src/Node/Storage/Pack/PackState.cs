using System.Collections.Concurrent;
using P2P.Node.Multiformats;

namespace P2P.Node.Storage.Pack;

/// <summary>
/// What the pieces of a <see cref="PackBlockStore"/> share: where the store lives, its policy, the in-memory index
/// (multihash → segment, offset, length), the open segments, and the one lock that serialises every change to them.
/// <para>
/// Locking: <see cref="WriteLock"/> is held by the facade around every put, delete and compaction, and by
/// <see cref="PackSegmentWriter.Flush"/> while it picks the segments to fsync. Every method of
/// <see cref="PackSegmentWriter"/>, <see cref="PackManifestKeeper"/>, <see cref="PackCompactor"/> and
/// <see cref="PackRewriter"/> (except <c>Flush</c>) expects its caller to hold it, or to be the constructor or
/// <c>Dispose</c> (no other thread can reach the store then). Readers take no lock: <see cref="Index"/> and
/// <see cref="Segments"/> are concurrent dictionaries, and a record enters the index only once it is written.
/// </para>
/// </summary>
internal sealed class PackState(string rootDirectory, SyncPolicy syncPolicy, long segmentSize)
{
    private const string DirtyMarkerName = ".dirty";

    public string RootDirectory { get; } = rootDirectory;

    public SyncPolicy SyncPolicy { get; } = syncPolicy;

    /// <summary>The size at which a new segment is started.</summary>
    public long SegmentSize { get; } = segmentSize;

    /// <summary>Serialises appends, deletes, rolls and compaction; readers never take it.</summary>
    public Lock WriteLock { get; } = new();

    /// <summary>Where each live block's record is. Changed under <see cref="WriteLock"/> (or at open); read without it.</summary>
    public ConcurrentDictionary<Multihash, PackLocation> Index { get; } = new();

    /// <summary>The open segment files by id. Changed under <see cref="WriteLock"/> (or at open); read without it.</summary>
    public ConcurrentDictionary<int, PackSegment> Segments { get; } = new();

    /// <summary>The segment appended to; null until the first write needs one. Under <see cref="WriteLock"/>.</summary>
    public PackSegment? Active { get; set; }

    /// <summary>The snapshot on disk does not describe the segments (rebuilt at open); rewrite it at close even if nothing is written.</summary>
    public bool SnapshotStale { get; set; }

    /// <summary>Damaged segment regions found at open (and losses that could not be noted). Filled at open only.</summary>
    public List<UnreadableBlock> OpenProblems { get; } = [];

    /// <summary>What open had to repair, and manifest writes that failed. For logs.</summary>
    public List<string> RecoveryNotes { get; } = [];

    public string DirtyMarkerPath => Path.Join(RootDirectory, DirtyMarkerName);

    public string SnapshotPath => Path.Join(RootDirectory, PackIndexFile.FileName);

    public string ManifestPath => Path.Join(RootDirectory, PackManifest.FileName);

    /// <summary>How a damaged run is reported: where, why, and where its bytes went.</summary>
    public UnreadableBlock DamageReport(PackSegment segment, PackDamage damage, bool quarantined) =>
        new($"{segment.Path}@{damage.Start}", $"{damage.Length} damaged bytes ({damage.Reason}); the blocks in them are lost"
            + (quarantined ? $", the bytes are kept in {PackQuarantine.PathFor(RootDirectory, segment, damage.Start)}" : ", and could not be copied out, so the segment is kept"));
}
