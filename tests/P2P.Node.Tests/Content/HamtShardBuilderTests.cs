using System.Globalization;
using System.Text;
using P2P.Node.Content.Exporting;
using P2P.Node.Content.Importing;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content;

/// <summary>
/// Large directories become HAMT shards exactly when kubo shards them. Expected CIDs came from
/// ipfs-unixfs-importer configured as kubo (/work/shared/peers) on the same names and contents.
/// </summary>
public class HamtShardBuilderTests
{
    private static (string, DagChild) RawFile(string name, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return (name, new DagChild(Cid.V1(Multicodec.Raw, Multihash.Sha256(bytes)), (ulong)bytes.Length, (ulong)bytes.Length));
    }

    /// <summary>h1 as an integer; the JavaScript murmur3 package prints the same value byte-reversed.</summary>
    [Theory]
    [InlineData("", "0000000000000000")]
    [InlineData("a", "85555565f6597889")]
    [InlineData("hello", "cbd8a7b341bd9b02")]
    [InlineData("file-1.txt", "c853837405db7a88")]
    [InlineData("The quick brown fox jumps over the lazy dog", "e34bbc7bbc071b6c")]
    [InlineData("0123456789abcdef0", "eb24ae8785a5c075")]
    public void Murmur3_Hash64_MatchesReference(string text, string hex)
    {
        Assert.Equal(hex, Murmur3.Hash64(Encoding.UTF8.GetBytes(text)).ToString("x16", CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task StoreDirectory_6000Files_IsShardedLikeKubo()
    {
        var store = new MemoryBlockStore();
        var nodes = new NodeBuilder(new ImportOptions(), store);
        var entries = Enumerable.Range(1, 6000).Select(i => RawFile($"file-{i}.txt", $"content {i}")).ToList();
        var root = nodes.StoreDirectory(entries);
        Assert.Equal("bafybeibqr223cp5hgqqt52k6eygyonyehzc7kdz7xsa4fa6iq6jw7rww6i", root.Cid.ToString());
        Assert.Equal(465930UL, root.DagSize);

        var exporter = new UnixFsExporter(new OfflineBlockGetter(store));
        var listing = await exporter.ListAsync(root.Cid, resolveChildren: false);
        Assert.Equal(entries.Select(e => e.Item1).Order(StringComparer.Ordinal), listing.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(entries[4999].Item2.Cid, await exporter.ResolveAsync(root.Cid + "/file-5000.txt"));

        // A lookup follows the name's hash: the root shard and at most a sub-shard or two, not all of them.
        var counting = new CountingBlockGetter(store);
        var direct = new UnixFsExporter(counting);
        Assert.Equal(entries[0].Item2.Cid, await direct.ResolveAsync(root.Cid + "/file-1.txt"));
        Assert.InRange(counting.Fetches, 1, 3);
        await Assert.ThrowsAsync<FileNotFoundException>(() => direct.ResolveAsync(root.Cid + "/file-6001.txt"));
    }

    [Theory]
    [InlineData(28, "bafybeieqxxxu22angbohjxekipmimzkifboeyeeqsm6h77gtfs4uo4snfa", 314289)]
    [InlineData(29, "bafybeidsmihjw3xibtvcwkff7332azb5jhbasko5wgsx3vw2ux36s2tcaq", 354619)]
    public void StoreDirectory_AtAndJustOverThreshold_ShardsOnlyAbove(int lastNameLength, string expected, long dagSize)
    {
        // 4096 entries of 28-byte names and 36-byte CIDs estimate exactly 262,144 bytes: kubo keeps that flat.
        var entries = Enumerable.Range(1, 4096)
            .Select(i => RawFile("f" + i.ToString(CultureInfo.InvariantCulture).PadLeft(27, '0'), $"x{i}"))
            .ToList();
        entries[^1] = (entries[^1].Item1.PadRight(lastNameLength, '1'), entries[^1].Item2);
        var root = new NodeBuilder(new ImportOptions { OnlyHash = true }, new MemoryBlockStore()).StoreDirectory(entries);
        Assert.Equal(expected, root.Cid.ToString());
        Assert.Equal((ulong)dagSize, root.DagSize);
    }
}
