using P2P.Node.Content.Chunking;

namespace P2P.Node.Tests.Content.Chunking;

/// <summary>Runs a chunker over bytes through the same streaming reader the importer uses.</summary>
internal static class ChunkingHarness
{
    public static async Task<List<int>> LengthsAsync(IChunkBoundaries boundaries, Stream source)
    {
        using var reader = new ContentChunkReader(source, boundaries, "test");
        var buffer = new byte[reader.BufferLength];
        var lengths = new List<int>();
        int n;
        while ((n = await reader.ReadChunkAsync(buffer)) > 0)
            lengths.Add(n);
        Assert.True(reader.IsExhausted);
        return lengths;
    }

    public static Task<List<int>> LengthsAsync(IChunkBoundaries boundaries, byte[] data) =>
        LengthsAsync(boundaries, new MemoryStream(data));

    /// <summary>Go's getRandom from restic's and the fork's tests: little-endian Uint32s of math/rand seeded 23.</summary>
    public static byte[] GoRandom(int count)
    {
        var rnd = new GoMathRand(23);
        var buf = new byte[count];
        for (var i = 0; i < count; i += 4)
        {
            var r = rnd.Uint32();
            buf[i] = (byte)r;
            buf[i + 1] = (byte)(r >> 8);
            buf[i + 2] = (byte)(r >> 16);
            buf[i + 3] = (byte)(r >> 24);
        }
        return buf;
    }
}
