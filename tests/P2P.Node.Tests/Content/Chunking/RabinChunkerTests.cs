using System.Security.Cryptography;
using P2P.Node.Content.Chunking;

namespace P2P.Node.Tests.Content.Chunking;

public class RabinChunkerTests
{
    /// <summary>The polynomial of the fork's (github.com/whyrusleeping/chunker) published vectors.</summary>
    private const ulong ForkTestPolynomial = 0x3DA3358B4DC173;

    private const int KiB = 1024;

    /// <summary>
    /// chunks1 of the fork's chunker_test.go (the one kubo links): 32 MiB of Go math/rand seeded 23, average 1 MiB,
    /// min 512 KiB, max 8 MiB, the test polynomial: each chunk's length, cut fingerprint and SHA-256.
    /// </summary>
    private static readonly (int Length, ulong Cut, string Sha256)[] ForkVectors =
    [
        (1579758, 0x001d06f777d00000, "2931d6dff887a8597b333fd13fcade3ee0c11ad747c5a0eb5ebe7f9d86ab4e42"),
        (1089328, 0x001c99190f500000, "c8a84f85953a2bfbc5555d43e570f5ffa8ca7f0db3a2bc6e47f9e5da06130313"),
        (614316, 0x0002e95018f00000, "2f99d99fd70f6bcbe01a945c81a5bb355ea8d82a368c82b6bbd57c81df0173db"),
        (1183251, 0x00187291a9d00000, "56db29489e7b8f81e9076d451db131a2501264452509ec5dd2732c5ca3d043da"),
        (2079238, 0x00150d9af0e00000, "9cd438ed06933b4d3e1ccbfef9e5b26d3e98171c557ed56a841d20d6b31cc1bb"),
        (1282082, 0x0001d7df88a00000, "63284dafb2da8040f01ee8c68e431d0e5c63fbc4c94e72826af3bbf9458edfee"),
        (1656779, 0x001881427eb00000, "31b07bddd5d4baf0c7a9d77e66b5134595a4b57ed9e10864dbae9a6cc8511361"),
        (1053264, 0x0006e8249a400000, "b630ea907fcae93b3b2da07de81d885eadb44b5a61e9d8d34d256c42acd54faf"),
        (1028060, 0x00179e806ee00000, "f91c9aa5ad51515ba9d2b22b88ce6064a5bca7d11a6233d641aaf4226b26f991"),
        (896166, 0x001a90cfa7900000, "b3b0faf1476b77ae20aecec498faa99d8743b6057d99cb35f8b8f3e178970f32"),
        (1633016, 0x001c77ba2dc00000, "7dfc1baf511bb19d003d7fde2718296681133a51995b4b7497381b4c7551f0ff"),
        (1051769, 0x001c7ee3e8900000, "e5cd24f70553b4cec0ff26e756a634d374c50280b21ed199d7dcc6f6c9d5b185"),
        (5719810, 0x00004e5c0ca00000, "21b576c8340813e1a3b517b5727ed256e3a13a060fa3b5a2b05279fc625dddce"),
        (2490321, 0x0014eedcd5900000, "47adb6a6cbf2ecfe18e1b90f03b19f8155bb7222d5ca264698c1f94666224043"),
        (544210, 0x00063fcba2b00000, "2a55f181b50a2af4efa85e2cb43479980490519537b85b945238cea33d682233"),
        (892726, 0x000b6da997300000, "10c413cd7eddfd4d5577984cc137fe25d59b357fe282aa4d6b085482eefc1127"),
        (1147747, 0x000745edc1700000, "c39a798ca1516b0bf41a925de18bc225df2c51078d0c5330a4230c0919c64a32"),
        (1964963, 0x000a609a0f900000, "e44ad9856707b191144ee597b845f8253906c3e1b4112cc28c49bf196e5f5be7"),
        (798928, 0x000ed5aa9e200000, "7bb618d427aa47512c414a682496e861c81c905deac8434fc55c1caf34655501"),
        (2585098, 0x00108d5fd0500000, "678291ddd056c63af055f206bf59c4e773036e2f67564edd3c159729586d1275"),
        (975521, 0x000603e82f500000, "faa1244cca467335cd3c04e4a9f9c2d72fa49b7e9d6c6392a68923d1372a16c0"),
        (1288081, 0x00097e6e5e2e0920, "857eab0067640c83275d628d2f22c027855afd8aa816bb1f15e6233d19fa8cea"),
    ];

    [Fact]
    public async Task FindCut_ForkVectors_SameLengthsCutsAndDigests()
    {
        var data = ChunkingHarness.GoRandom(32 * 1024 * 1024);
        var chunker = new RabinChunker(ForkTestPolynomial, 512 * KiB, 1024 * KiB, 8 * 1024 * KiB);
        var lengths = await ChunkingHarness.LengthsAsync(chunker, data);
        Assert.Equal(ForkVectors.Select(v => v.Length), lengths);
        var start = 0;
        foreach (var (length, cut, sha) in ForkVectors)
        {
            var chunk = data.AsSpan(start, length);
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(chunk)));
            Assert.Equal(cut, chunker.Fingerprint(chunk[^16..]));
            start += length;
        }
    }

    [Fact]
    public async Task FindCut_ForkNullBytes_CutAtMinimumEveryTime()
    {
        // chunks2 of the fork's test: zeros fingerprint to 0, so each chunk is exactly the minimum.
        var chunker = new RabinChunker(ForkTestPolynomial, 512 * KiB, 1024 * KiB, 8 * 1024 * KiB);
        var lengths = await ChunkingHarness.LengthsAsync(chunker, new byte[4 * 512 * KiB]);
        Assert.Equal(Enumerable.Repeat(512 * KiB, 4), lengths);
        Assert.Equal(
            "07854d2fef297a06ba81685e660c332de36d5d18d546927d30daad6d7fda1541",
            Convert.ToHexStringLower(SHA256.HashData(new byte[512 * KiB])));
    }

    [Fact]
    public async Task FindCut_TricklingStream_SameCutsAsWholeBuffer()
    {
        var data = new byte[3 * 1024 * 1024 + 77];
        new Random(11).NextBytes(data);
        var chunker = new RabinChunker(RabinChunker.IpfsPolynomial, 4 * KiB, 16 * KiB, 32 * KiB);
        var whole = await ChunkingHarness.LengthsAsync(chunker, data);
        var trickled = await ChunkingHarness.LengthsAsync(chunker, new TricklingStream(data, new Random(12)));
        Assert.Equal(whole, trickled);
        Assert.Equal(data.Length, whole.Sum());
        Assert.All(whole[..^1], n => Assert.InRange(n, 4 * KiB, 32 * KiB));
        Assert.True(whole.Count(n => n == 32 * KiB) < whole.Count / 2, "most cuts come from the fingerprint, not the maximum");
    }

    [Fact]
    public void FindCut_EachCut_IsTheFirstWindowWhoseFingerprintHasTheLowBitsClear()
    {
        // Reference: recompute every window's fingerprint from scratch and take the first qualifying end.
        var data = new byte[40_000];
        new Random(5).NextBytes(data);
        var chunker = new RabinChunker(RabinChunker.IpfsPolynomial, 100, 512, 20_000);
        const ulong mask = 511;
        var expected = -1;
        for (var end = 100; end <= 20_000; end++)
        {
            if (end == 20_000 || (chunker.Fingerprint(data.AsSpan(end - 16, 16)) & mask) == 0)
            {
                expected = end;
                break;
            }
        }
        Assert.Equal(expected, chunker.FindCut(data.AsSpan(0, 20_000), atEnd: false));
    }

    [Fact]
    public async Task FindCut_MinimumBelowWindow_WholeStreamIsOneChunk()
    {
        // rabin-30: min 10 < 16, where kubo's skip count wraps and it never cuts.
        var spec = ChunkerSpec.Parse("rabin-30");
        var data = new byte[5000];
        new Random(6).NextBytes(data);
        using var reader = spec.Open(new MemoryStream(data));
        var buffer = new byte[reader.BufferLength];
        Assert.Equal(5000, await reader.ReadChunkAsync(buffer));
        Assert.Equal(0, await reader.ReadChunkAsync(buffer));
    }

    [Fact]
    public async Task FindCut_MinimumBelowWindowAndFileOverLimit_ThrowsArgumentException()
    {
        using var reader = ChunkerSpec.Parse("rabin-30").Open(new MemoryStream(new byte[FixedSizeChunker.MaxSize + 1]));
        var buffer = new byte[reader.BufferLength];
        await Assert.ThrowsAsync<ArgumentException>(async () => await reader.ReadChunkAsync(buffer));
    }
}
