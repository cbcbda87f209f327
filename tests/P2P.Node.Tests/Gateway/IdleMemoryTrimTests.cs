using Microsoft.Extensions.Time.Testing;
using P2P.Node.Hosting;

namespace P2P.Node.Tests.Gateway;

/// <summary>
/// The daemon collects once when its last fetch of a burst ends and it then stays quiet (issue 11, item 5: 5.2 GB of
/// dead blocks stayed in an idle daemon's RSS because nothing allocated, so nothing collected), never while a fetch
/// is open, and not between fetches that follow each other (issue 15: each trim made the next fetch fault its heap in).
/// </summary>
public sealed class IdleMemoryTrimTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Exit_LastFetchAfterAllocation_CollectsOnceAfterTheQuietPeriod()
    {
        var time = new FakeTimeProvider();
        var trim = new IdleMemoryTrim(threshold: 1, Quiet, time);
        trim.Enter();
        trim.Enter();
        GC.KeepAlive(new byte[1 << 20]);
        var collections = GC.CollectionCount(GC.MaxGeneration);

        await trim.Exit();
        Assert.Equal(0, trim.Trims);
        var pending = trim.Exit();
        Assert.Equal(0, trim.Trims);
        time.Advance(Quiet);
        await pending;

        Assert.Equal(1, trim.Trims);
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > collections, "no full collection ran");
    }

    [Fact]
    public async Task Exit_FetchOpenedDuringTheQuietPeriod_SkipsThatTrim_AndTheNextBurstTrims()
    {
        var time = new FakeTimeProvider();
        var trim = new IdleMemoryTrim(threshold: 1, Quiet, time);
        trim.Enter();
        GC.KeepAlive(new byte[1 << 20]);
        var skipped = trim.Exit();

        trim.Enter();
        time.Advance(Quiet);
        await skipped;
        Assert.Equal(0, trim.Trims);

        var pending = trim.Exit();
        time.Advance(Quiet);
        await pending;
        Assert.Equal(1, trim.Trims);
    }

    [Fact]
    public async Task Exit_BelowTheThreshold_DoesNotCollect()
    {
        var trim = new IdleMemoryTrim(threshold: long.MaxValue, Quiet, new FakeTimeProvider());
        trim.Enter();

        await trim.Exit();

        Assert.Equal(0, trim.Trims);
    }
}
