using P2P.Node.Hosting;

namespace P2P.Node.Tests.Gateway;

/// <summary>
/// The daemon collects once when its last fetch of a burst ends (issue 11, item 5: 5.2 GB of dead blocks stayed
/// in an idle daemon's RSS because nothing allocated, so nothing collected), and never while a fetch is open.
/// </summary>
public sealed class IdleMemoryTrimTests
{
    [Fact]
    public async Task Exit_LastFetchAfterAllocation_CollectsOnce()
    {
        var trim = new IdleMemoryTrim(threshold: 1);
        trim.Enter();
        trim.Enter();
        GC.KeepAlive(new byte[1 << 20]);
        var collections = GC.CollectionCount(GC.MaxGeneration);

        await trim.Exit();
        Assert.Equal(0, trim.Trims);
        await trim.Exit();

        Assert.Equal(1, trim.Trims);
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > collections, "no full collection ran");
    }

    [Fact]
    public async Task Exit_BelowTheThreshold_DoesNotCollect()
    {
        var trim = new IdleMemoryTrim(threshold: long.MaxValue);
        trim.Enter();

        await trim.Exit();

        Assert.Equal(0, trim.Trims);
    }
}
