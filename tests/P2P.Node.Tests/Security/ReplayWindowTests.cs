using P2P.Node.Security;

namespace P2P.Node.Tests.Security;

public class ReplayWindowTests
{
    [Fact]
    public void TryMark_MatchesReferenceSetWithinWindow()
    {
        var window = new ReplayWindow();
        var seen = new HashSet<ulong>();
        ulong highest = 0;
        var random = new Random(7);
        for (var i = 0; i < 200_000; i++)
        {
            var counter = (ulong)Math.Max(0, (long)highest + random.Next(-ReplayWindow.Size - 100, 300));
            var inWindow = seen.Count == 0 || counter > highest || highest - counter < ReplayWindow.Size;
            var expected = inWindow && !seen.Contains(counter);
            Assert.Equal(expected, window.TryMark(counter));
            if (expected)
            {
                seen.Add(counter);
                highest = Math.Max(highest, counter);
            }
        }
    }

    [Fact]
    public void TryMark_JumpFarAheadForgetsOldButRejectsTooOld()
    {
        var window = new ReplayWindow();
        Assert.True(window.TryMark(5));
        Assert.True(window.TryMark(5 + 3 * ReplayWindow.Size));
        Assert.False(window.TryMark(5));
        Assert.True(window.TryMark(6 + 2 * ReplayWindow.Size));
        Assert.False(window.TryMark(6 + 2 * ReplayWindow.Size));
    }
}
