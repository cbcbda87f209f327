using System.Globalization;

namespace P2P.Node.Content.Chunking;

/// <summary>
/// kubo's fixed-size chunker (boxo/chunker, "size-N"): every chunk is exactly <see cref="Size"/> bytes except
/// the last, and an empty stream yields no chunk. Reads are repeated until a chunk is full, because a stream
/// (a pipe, a socket) may return fewer bytes than asked and a short chunk mid-file would change the CID.
/// </summary>
public sealed class FixedSizeChunker
{
    public const int DefaultSize = 262_144;

    /// <summary>Largest chunk: the 2 MiB block limit less 256 bytes for the dag-pb and UnixFS framing around it.</summary>
    public const int MaxSize = 2 * 1024 * 1024 - 256;

    public FixedSizeChunker(int size)
    {
        if (size is < 1 or > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), $"chunk size must be between 1 and {MaxSize} bytes");
        Size = size;
    }

    public int Size { get; }

    /// <summary>The kubo spelling, e.g. <c>size-262144</c>.</summary>
    public override string ToString() => "size-" + Size.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Fills <paramref name="buffer"/> (at most <see cref="Size"/> bytes of it) from <paramref name="source"/>;
    /// returns fewer bytes only at the end of the stream, and 0 once it is exhausted.
    /// </summary>
    public async ValueTask<int> ReadChunkAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length > Size)
            buffer = buffer[..Size];
        return await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
    }
}
