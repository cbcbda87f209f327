using Microsoft.Extensions.Time.Testing;
using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

/// <summary>The shared token-bucket table, driven by a fake clock: no test here waits for real time.</summary>
public class TokenBucketTableTests
{
    [Fact]
    public void TryTake_SpendsTheBurstThenRefillsAtTheRate()
    {
        var time = new FakeTimeProvider();
        var table = new TokenBucketTable<string>(perSecond: 2, burst: 4, capacity: 8, time);
        for (var i = 0; i < 4; i++)
            Assert.True(table.TryTake("a", time.GetTimestamp()));
        Assert.False(table.TryTake("a", time.GetTimestamp()));
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(table.TryTake("a", time.GetTimestamp()));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(table.TryTake("a", time.GetTimestamp()));
        Assert.False(table.TryTake("a", time.GetTimestamp()));
    }

    [Fact]
    public void Available_NeverExceedsTheBurst()
    {
        var time = new FakeTimeProvider();
        var table = new TokenBucketTable<int>(perSecond: 10, burst: 3, capacity: 8, time);
        Assert.Equal(3, table.Available(1, time.GetTimestamp()));
        Assert.True(table.TryTake(1, time.GetTimestamp()));
        Assert.Equal(2, table.Available(1, time.GetTimestamp()), precision: 9);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, table.Available(1, time.GetTimestamp()));
    }

    [Fact]
    public void Touch_KeepsTokensButMarksTheBucketUsed()
    {
        var time = new FakeTimeProvider();
        var table = new TokenBucketTable<string>(perSecond: 1, burst: 1, capacity: 2, time);
        Assert.True(table.TryTake("a", time.GetTimestamp()));
        Assert.True(table.TryTake("b", time.GetTimestamp()));
        // "a" is refused (empty) but becomes the most recently used, so the new key evicts "b".
        Assert.False(table.TryTake("a", time.GetTimestamp()));
        Assert.True(table.TryTake("c", time.GetTimestamp()));
        Assert.Equal(2, table.Count);
        Assert.Equal(1, table.Available("b", time.GetTimestamp()));
        Assert.Equal(0, table.Available("a", time.GetTimestamp()));
    }

    [Fact]
    public void EvictLeastRecent_AlwaysAdmitsANewKeyAndStaysCapped()
    {
        var time = new FakeTimeProvider();
        var table = new TokenBucketTable<int>(perSecond: 1, burst: 1, capacity: 3, time);
        for (var key = 0; key < 100; key++)
            Assert.True(table.TryTake(key, time.GetTimestamp()));
        Assert.Equal(3, table.Count);
        // The oldest keys were evicted and start again from a full bucket.
        Assert.True(table.TryTake(0, time.GetTimestamp()));
    }

    [Fact]
    public void RefuseUntilIdle_RefusesNewKeysUntilTheOldestHasRefilled()
    {
        var time = new FakeTimeProvider();
        var table = new TokenBucketTable<int>(perSecond: 4, burst: 2, capacity: 2, time, WhenTableFull.RefuseUntilIdle);
        Assert.True(table.TryTake(1, time.GetTimestamp()));
        Assert.True(table.TryTake(2, time.GetTimestamp()));
        Assert.False(table.TryTake(3, time.GetTimestamp()));
        // Refill from empty takes burst / rate = 0.5 s.
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(table.TryTake(3, time.GetTimestamp()));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(table.TryTake(3, time.GetTimestamp()));
        Assert.Equal(2, table.Count);
        // Key 1 (the least recent) was the one evicted. Key 2 is as idle, so it makes room too; then the table
        // holds two fresh buckets and refuses.
        Assert.Equal(2, table.Available(1, time.GetTimestamp()));
        Assert.True(table.TryTake(4, time.GetTimestamp()));
        Assert.False(table.TryTake(5, time.GetTimestamp()));
    }

    [Fact]
    public void Take_OnARefusingFullTable_IsFalseAndAddsNothing()
    {
        var time = new FakeTimeProvider();
        var table = new TokenBucketTable<int>(perSecond: 1, burst: 1, capacity: 1, time, WhenTableFull.RefuseUntilIdle);
        Assert.True(table.Take(1, time.GetTimestamp()));
        Assert.False(table.Take(2, time.GetTimestamp()));
        Assert.Equal(1, table.Count);
    }
}
