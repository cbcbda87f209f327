using System.Buffers;
using System.IO.Pipelines;

namespace P2P.Node.Tests.Api;

/// <summary>
/// A pipe reader that hands out a body piece by piece, as a socket would: each piece is its own segment, and the next
/// piece is revealed only once the reader has examined everything shown so far. So a test decides exactly where the
/// reads end and where the segments of one read meet.
/// </summary>
internal sealed class PieceReader : PipeReader
{
    private readonly ReadOnlySequence<byte> _whole;
    private readonly long[] _ends;
    private int _revealed;
    private long _consumed;
    private long _examined;

    /// <param name="cuts">Offsets where one piece ends and the next begins, ascending.</param>
    public PieceReader(byte[] body, IEnumerable<int> cuts)
    {
        var ends = cuts.Where(c => c > 0 && c < body.Length).Distinct().Order().Select(c => (long)c).Append(body.Length).ToArray();
        _ends = ends;
        Segment? first = null, last = null;
        long start = 0;
        foreach (var end in ends)
        {
            var piece = body.AsMemory((int)start, (int)(end - start));
            last = last is null ? first = new Segment(piece, 0) : last.Append(piece);
            start = end;
        }
        _whole = first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
        _revealed = 1;
    }

    /// <summary>How many reads were answered.</summary>
    public int Reads { get; private set; }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _consumed = _whole.GetOffset(consumed);
        _examined = Math.Max(_consumed, _whole.GetOffset(examined));
    }

    public override bool TryRead(out ReadResult result) => throw new NotSupportedException();

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        Reads++;
        while (_revealed < _ends.Length && _examined >= _ends[_revealed - 1])
            _revealed++;
        var end = _ends.Length == 0 ? 0 : _ends[_revealed - 1];
        var buffer = _whole.Slice(_consumed, end - _consumed);
        return ValueTask.FromResult(new ReadResult(buffer, isCanceled: false, isCompleted: _revealed == _ends.Length));
    }

    public override void CancelPendingRead() => throw new NotSupportedException();

    public override void Complete(Exception? exception = null)
    {
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
