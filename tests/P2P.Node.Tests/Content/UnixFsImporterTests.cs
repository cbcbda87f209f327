using System.Text;
using P2P.Node.Content.Importing;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Content;

public class UnixFsImporterTests
{
    private static async Task<string> Add(byte[] data, ImportOptions options, IBlockStore? store = null)
    {
        using var stream = new MemoryStream(data);
        var result = await UnixFsImporter.ImportFileAsync(stream, options, store ?? new MemoryBlockStore());
        Assert.Equal(data.Length, result.FileSize);
        return result.Root.ToString();
    }

    private static async Task<string> AddGenerated(string seed, long length, ImportOptions options)
    {
        using var stream = new ChaChaStream(seed, length);
        var result = await UnixFsImporter.ImportFileAsync(stream, options with { OnlyHash = true }, new MemoryBlockStore());
        Assert.Equal(length, result.FileSize);
        return result.Root.ToString();
    }

    [Theory]
    [InlineData("", 0, null, "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH")]
    [InlineData("", 1, null, "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")]
    [InlineData("hello world", 0, null, "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD")]
    [InlineData("hello world", 1, null, "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e")]
    [InlineData("hello world", 1, false, "bafybeihykld7uyxzogax6vgyvag42y7464eywpf55gxi5qpoisibh3c5wa")]
    [InlineData("hello world\n", 0, null, "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o")]
    public async Task ImportFileAsync_SmallFiles_MatchKubo(string text, int version, bool? rawLeaves, string expected)
    {
        var options = new ImportOptions { CidVersion = version, RawLeaves = rawLeaves };
        Assert.Equal(expected, await Add(Encoding.UTF8.GetBytes(text), options));
    }

    [Fact]
    public void ChaChaStream_V0Seed_StartsWithKnownBytes()
    {
        Assert.Equal("4f235ce9425df0c3beae84441318fa7f", Convert.ToHexStringLower(ChaChaStream.Generate("v0-seed", 16)));
    }

    [Theory]
    [InlineData(174, "QmUbBALi174SnogsUzLpYbD4xPiBSFANF4iztWCsHbMKh2")]
    [InlineData(175, "QmepeWtdmS1hHXx1oZXsPUv6bMrfRRKfZcoPPU4eEfjnbf")]
    public async Task ImportFileAsync_V0AroundLinkLimit_MatchesKubo(int chunks, string expected)
    {
        Assert.Equal(expected, await AddGenerated("v0-seed", chunks * 262_144L, ImportOptions.KuboV0));
    }

    [Theory]
    [Trait("Category", "Long")]
    [InlineData(174, "bafybeigwduxcf2aawppv3isnfeshnimkyplvw3hthxjhr2bdeje4tdaicu")]
    [InlineData(175, "bafybeidhd7lo2n2v7lta5yamob3xwhbxcczmmtmhquwhjesi35jntf7mpu")]
    public async Task ImportFileAsync_V1MegabyteChunks_MatchesKubo(int mebibytes, string expected)
    {
        var options = new ImportOptions { CidVersion = 1, ChunkSize = 1 << 20 };
        Assert.Equal(expected, await AddGenerated("v1-seed", mebibytes * (1L << 20), options));
    }

    [Fact]
    [Trait("Category", "Long")]
    public async Task ImportFileAsync_V0With1024Links_MatchesKubo()
    {
        var options = ImportOptions.KuboV0 with { MaxLinks = 1024 };
        Assert.Equal("QmbBftNHWmjSWKLC49dMVrfnY8pjrJYntiAXirFJ7oJrNk", await AddGenerated("hello world", 256L << 20, options));
    }

    [Theory]
    [Trait("Category", "Long")]
    [InlineData(1024, "bafybeihmf37wcuvtx4hpu7he5zl5qaf2ineo2lqlfrapokkm5zzw7zyhvm")]
    [InlineData(1025, "bafybeihmzokxxjqwxjcryerhp5ezpcog2wcawfryb2xm64xiakgm4a5jue")]
    public async Task ImportFileAsync_Profile2025_MatchesKubo(int mebibytes, string expected)
    {
        Assert.Equal(expected, await AddGenerated("v1-2025-seed", mebibytes * (1L << 20), ImportOptions.UnixFsV1_2025));
    }
}
