namespace P2P.Node.Content.Chunking;

/// <summary>
/// A content-defined chunker as a pure function: given the bytes from the start of a chunk on, where the chunk
/// ends. <see cref="ContentChunkReader"/> does the streaming around it, so the algorithms never see a stream.
/// </summary>
public interface IChunkBoundaries
{
    /// <summary>
    /// How many bytes <see cref="FindCut"/> needs to decide (the largest chunk it can return); fewer are passed
    /// only at the end of the stream.
    /// </summary>
    int FillLength { get; }

    /// <summary>
    /// The length of the chunk that starts at <paramref name="data"/>[0]. <paramref name="data"/> holds
    /// <see cref="FillLength"/> bytes, or fewer when <paramref name="atEnd"/> says the stream has no more. Returns
    /// -1 when no chunk this chunker may make fits in <see cref="FillLength"/>.
    /// </summary>
    int FindCut(ReadOnlySpan<byte> data, bool atEnd);
}
