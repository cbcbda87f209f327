using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

public sealed class ReceiveBufferPoolTests
{
    [Fact]
    public void Rent_AfterReturn_ReusesTheBuffer()
    {
        var pool = new ReceiveBufferPool(bufferSize: 1024, maxRetained: 2);
        var first = pool.Rent(1000);
        pool.Return(first);

        Assert.Same(first, pool.Rent(10));
        Assert.Equal(0, pool.Retained);
    }

    [Fact]
    public void Rent_WhileABufferIsOut_NeverHandsOutTheSameOne()
    {
        var pool = new ReceiveBufferPool(bufferSize: 1024, maxRetained: 4);
        var held = pool.Rent(1024);
        pool.Return(pool.Rent(1024));

        var other = pool.Rent(1024);

        Assert.NotSame(held, other);
    }

    [Fact]
    public void Return_BeyondMaxRetained_KeepsOnlyTheBound()
    {
        var pool = new ReceiveBufferPool(bufferSize: 1024, maxRetained: 2);
        var rented = Enumerable.Range(0, 5).Select(_ => pool.Rent(1024)).ToList();

        rented.ForEach(pool.Return);

        Assert.Equal(2, pool.Retained);
    }

    [Fact]
    public void Rent_LargerThanBufferSize_IsExactAndNotKept()
    {
        var pool = new ReceiveBufferPool(bufferSize: 1024, maxRetained: 2);
        var big = pool.Rent(5000);

        pool.Return(big);

        Assert.Equal(5000, big.Length);
        Assert.Equal(0, pool.Retained);
    }

    [Fact]
    public void Return_SameBufferTwice_IsHandedOutOnlyOnce()
    {
        var pool = new ReceiveBufferPool(bufferSize: 1024, maxRetained: 4);
        var buffer = pool.Rent(1024);

        pool.Return(buffer);
        pool.Return(buffer);

        Assert.Equal(1, pool.Retained);
        Assert.Same(buffer, pool.Rent(1024));
        Assert.NotSame(buffer, pool.Rent(1024));
    }
}
