using P2P.Node.Content.Exporting;

namespace P2P.Node.Tests.Content;

public class ConcatenatedRangeTests
{
    [Fact]
    public void Parts_NoRange_EveryFileWhole()
    {
        Assert.Equal([(0, 0L, (long?)null), (1, 0L, null), (2, 0L, null)], ConcatenatedRange.Parts([10, 0, 5], 0, null));
    }

    [Fact]
    public void Parts_RangeAcrossTwoFiles_CutsTheFirstAtTheOffsetAndTheSecondAtTheLength()
    {
        // Bytes 7..12 of 10 + 10: the last 3 of the first file and the first 3 of the second.
        Assert.Equal([(0, 7L, (long?)3), (1, 0L, 3)], ConcatenatedRange.Parts([10, 10, 10], 7, 6));
    }

    [Fact]
    public void Parts_OffsetPastTheFirstFile_SkipsIt()
    {
        Assert.Equal([(1, 2L, (long?)null)], ConcatenatedRange.Parts([10, 10], 12, null));
    }

    [Fact]
    public void Parts_ZeroLength_WritesNothing()
    {
        Assert.Empty(ConcatenatedRange.Parts([10, 10], 0, 0));
    }

    [Fact]
    public void Parts_OffsetCarriedPastAnEmptyFile_IsNotLost()
    {
        // The first cut (before this type) reset the offset at an empty file: cat --offset 4 of 3 + 0 + 5 bytes
        // started at byte 3.
        Assert.Equal([(1, 0L, (long?)null), (2, 1L, null)], ConcatenatedRange.Parts([3, 0, 5], 4, null));
    }

    [Fact]
    public void Parts_EveryOffsetAndLength_MatchCuttingTheConcatenation()
    {
        // The rule stated directly: the parts written one after the other are the concatenation's [offset, offset+length).
        long[] sizes = [3, 0, 5, 1, 4];
        var whole = Enumerable.Range(0, (int)sizes.Sum()).Select(i => (byte)i).ToArray();
        var starts = sizes.Select((_, i) => sizes.Take(i).Sum()).ToArray();
        for (var offset = 0L; offset <= whole.Length + 1; offset++)
        {
            foreach (long? length in new long?[] { null, 0, 1, 2, 4, 7, 20 })
            {
                var got = ConcatenatedRange.Parts(sizes, offset, length)
                    .SelectMany(p => whole.Skip((int)(starts[p.Index] + p.Skip)).Take((int)Math.Min(p.Take ?? long.MaxValue, Math.Max(0, sizes[p.Index] - p.Skip))))
                    .ToArray();
                var want = whole.Skip((int)offset).Take((int)(length ?? whole.Length)).ToArray();
                Assert.Equal(want, got);
            }
        }
    }
}
