using System.Runtime.InteropServices;
using P2P.Node.Hosting.Http;

namespace P2P.Node.Tests.Hosting;

/// <summary>The transport's pool: whole blocks whatever is asked, reuse within a cap, and each rental returned once.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(2048)]
    [InlineData(LargeBlockMemoryPool.BlockSize)]
    public void Rent_AnySizeUpToABlock_GivesAWholeBlock(int size)
    {
        using var pool = new LargeBlockMemoryPool();
        using var block = pool.Rent(size);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, block.Memory.Length);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
    }

    [Fact]
    public void Rent_MoreThanABlock_Throws()
    {
        using var pool = new LargeBlockMemoryPool();
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void Rent_AfterAReturn_ReusesTheBlock()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        Assert.True(MemoryMarshal.TryGetArray<byte>(first.Memory, out var a));
        first.Dispose();
        Assert.Equal(1, pool.FreeCount);
        using var second = pool.Rent();
        Assert.True(MemoryMarshal.TryGetArray<byte>(second.Memory, out var b));
        Assert.Same(a.Array, b.Array);
        Assert.Equal(0, pool.FreeCount);
    }

    [Fact]
    public void Dispose_Twice_ThrowsAndTheBlockIsPooledOnce()
    {
        using var pool = new LargeBlockMemoryPool();
        var block = pool.Rent();
        block.Dispose();
        Assert.Throws<InvalidOperationException>(block.Dispose);
        Assert.Equal(1, pool.FreeCount);
    }

    [Fact]
    public void Memory_AfterReturn_Throws()
    {
        using var pool = new LargeBlockMemoryPool();
        var block = pool.Rent();
        block.Dispose();
        Assert.Throws<ObjectDisposedException>(() => block.Memory);
    }

    [Fact]
    public void Return_BeyondTheCap_LeavesTheRestToTheCollector()
    {
        using var pool = new LargeBlockMemoryPool();
        var blocks = Enumerable.Range(0, LargeBlockMemoryPool.MaxRetained + 10).Select(_ => pool.Rent()).ToList();
        foreach (var block in blocks)
            block.Dispose();
        Assert.Equal(LargeBlockMemoryPool.MaxRetained, pool.FreeCount);
    }

    [Fact]
    public void Dispose_DropsTheFreeBlocksAndRefusesRentals()
    {
        var pool = new LargeBlockMemoryPool();
        var block = pool.Rent();
        pool.Dispose();
        block.Dispose();
        Assert.Equal(0, pool.FreeCount);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
    }
}
