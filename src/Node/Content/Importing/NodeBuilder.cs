using System.Text;
using P2P.Node.Content.DagPb;
using P2P.Node.Content.UnixFs;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Content.Importing;

/// <summary>
/// Builds the blocks kubo builds (boxo ipld/unixfs/importer/helpers), hashes them and hands them to the store.
/// Thread-safe: it holds only immutable options and the thread-safe store.
/// </summary>
internal sealed class NodeBuilder
{
    /// <summary>Room left before a chunk in its buffer for the dag-pb and UnixFS header of a non-raw leaf.</summary>
    public const int LeafHeaderRoom = 16;

    /// <summary>Room after a chunk for the UnixFS filesize field of a non-raw leaf.</summary>
    public const int LeafTrailerRoom = 8;

    /// <summary>UnixFS Data of a directory: just Type = Directory, as kubo's BasicDirectory writes it.</summary>
    private static readonly byte[] DirectoryData = new UnixFsData { Type = UnixFsType.Directory }.Encode();

    private readonly IBlockStore? _store;
    private readonly StoredBlocks? _stored;
    private long _blocks;

    public NodeBuilder(ImportOptions options, IBlockStore store, StoredBlocks? stored = null)
    {
        Options = options;
        _store = options.OnlyHash ? null : store;
        _stored = stored;
    }

    public ImportOptions Options { get; }

    public long BlockCount => Interlocked.Read(ref _blocks);

    /// <summary>
    /// Turns the chunk at <c>buffer[LeafHeaderRoom..+length]</c> into a leaf block and stores it. A raw leaf is the
    /// chunk itself; otherwise it becomes <c>PBNode{Data: UnixFS{File, Data: chunk, filesize}}</c>, framed in
    /// place around the chunk so no copy is made.
    /// </summary>
    public DagChild StoreLeaf(byte[] buffer, int length)
    {
        if (Options.EffectiveRawLeaves)
        {
            var raw = buffer.AsSpan(LeafHeaderRoom, length);
            // boxo gives raw leaves a CIDv1 even when the rest of the DAG is CIDv0 (merkledag.NewRawNodeWPrefix).
            var rawCid = Cid.V1(Multicodec.Raw, Multihash.Compute(Options.HashFunction, raw));
            Put(rawCid, raw);
            return new DagChild(rawCid, (ulong)length, (ulong)length);
        }
        var n = (ulong)length;
        var unixFsLength = 2 + (length > 0 ? ProtoWriter.BytesFieldSize(length) : 0) + ProtoWriter.VarintFieldSize(n);
        var headerLength = 1 + ProtoWriter.VarintSize((ulong)unixFsLength) + 2 + (length > 0 ? 1 + ProtoWriter.VarintSize(n) : 0);
        var start = LeafHeaderRoom - headerLength;
        var header = new ProtoWriter(buffer.AsSpan(start, headerLength));
        header.WriteLengthPrefix(1, unixFsLength);
        header.WriteVarintField(1, (ulong)UnixFsType.File);
        if (length > 0)
            header.WriteLengthPrefix(2, length);
        var trailer = new ProtoWriter(buffer.AsSpan(LeafHeaderRoom + length, LeafTrailerRoom));
        trailer.WriteVarintField(3, n);
        var block = buffer.AsSpan(start, headerLength + length + trailer.Position);
        var cid = DagPbCid(block);
        Put(cid, block);
        return new DagChild(cid, n, (ulong)block.Length);
    }

    /// <summary>An internal File node over <paramref name="children"/> (boxo FSNodeOverDag.Commit).</summary>
    public DagChild StoreFileNode(IReadOnlyList<DagChild> children)
    {
        var links = new PbLink[children.Count];
        var sizes = new ulong[children.Count];
        ulong fileSize = 0, dagSize = 0;
        for (var i = 0; i < children.Count; i++)
        {
            var child = children[i];
            // kubo writes an empty, present Name on file links; leaving it out changes the CID.
            links[i] = new PbLink(child.Cid, "", child.DagSize);
            sizes[i] = child.FileSize;
            fileSize += child.FileSize;
            dagSize += child.DagSize;
        }
        var data = new UnixFsData { Type = UnixFsType.File, FileSize = fileSize, BlockSizes = sizes }.Encode();
        var block = DagPbCodec.Encode(new PbNode(links, data));
        var cid = DagPbCid(block);
        Put(cid, block);
        return new DagChild(cid, fileSize, dagSize + (ulong)block.Length);
    }

    /// <summary>
    /// A flat UnixFS directory. Links are ordered by the UTF-8 bytes of their names, as the dag-pb spec requires
    /// and go-merkledag sorts them before encoding.
    /// </summary>
    public DagChild StoreDirectory(IReadOnlyList<(string Name, DagChild Child)> entries)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, (a, b) => Utf8Compare(a.Name, b.Name));
        long estimated = 0;
        var links = new PbLink[sorted.Length];
        ulong dagSize = 0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var (name, child) = sorted[i];
            links[i] = new PbLink(child.Cid, name, child.DagSize);
            dagSize += child.DagSize;
            estimated += Encoding.UTF8.GetByteCount(name) + child.Cid.Bytes.Length;
        }
        // kubo's default "links" size estimate (boxo io.HAMTShardingSize): shard only above the threshold.
        if (estimated > ImportOptions.HamtShardingThreshold)
            return HamtShardBuilder.Build(this, sorted);
        var (cid, length) = StoreNode(new PbNode(links, DirectoryData));
        return new DagChild(cid, 0, dagSize + (ulong)length);
    }

    /// <summary>Encodes, hashes and stores one dag-pb node.</summary>
    public (Cid Cid, ulong BlockLength) StoreNode(PbNode node)
    {
        var block = DagPbCodec.Encode(node);
        var cid = DagPbCid(block);
        Put(cid, block);
        return (cid, (ulong)block.Length);
    }

    /// <summary>A symlink: <c>UnixFS{Symlink, Data: target}</c> with no links (boxo unixfs.SymlinkData).</summary>
    public DagChild StoreSymlink(string target)
    {
        var targetBytes = Encoding.UTF8.GetBytes(target);
        var data = new UnixFsData { Type = UnixFsType.Symlink, Data = targetBytes }.Encode();
        var block = DagPbCodec.Encode(new PbNode([], data));
        var cid = DagPbCid(block);
        Put(cid, block);
        return new DagChild(cid, (ulong)targetBytes.Length, (ulong)block.Length);
    }

    public static int Utf8Compare(string a, string b)
    {
        // Ordinal UTF-16 order differs from UTF-8 byte order only around surrogates; compare bytes to be exact.
        var ordinal = string.CompareOrdinal(a, b);
        if (ordinal == 0 || (IsAscii(a) && IsAscii(b)))
            return ordinal;
        return Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
    }

    private static bool IsAscii(string s) => Ascii.IsValid(s);

    private Cid DagPbCid(ReadOnlySpan<byte> block)
    {
        var hash = Multihash.Compute(Options.HashFunction, block);
        return Options.CidVersion == 0 ? Cid.V0(hash) : Cid.V1(Multicodec.DagPb, hash);
    }

    private void Put(Cid cid, ReadOnlySpan<byte> block)
    {
        _store?.Put(cid, block);
        _stored?.Add(cid);
        Interlocked.Increment(ref _blocks);
    }
}
