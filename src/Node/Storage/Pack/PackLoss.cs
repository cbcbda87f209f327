namespace P2P.Node.Storage.Pack;

/// <summary>
/// Bytes the segment manifest (or the snapshot of a clean close) says were on disk and that open did not find:
/// segment <see cref="Segment"/> from <see cref="From"/> to <see cref="To"/>; <see cref="Gone"/> when the whole
/// file is missing. <see cref="From"/> may move down during the rebuild, when the record cut in two at the old
/// end is removed with the rest.
/// </summary>
internal sealed class PackLoss(int segment, long from, long to, bool gone)
{
    public int Segment { get; } = segment;

    public long From { get; set; } = from;

    public long To { get; } = to;

    public bool Gone { get; } = gone;

    public long Length => To - From;

    public string FileName => PackSegment.FileName(Segment);
}
