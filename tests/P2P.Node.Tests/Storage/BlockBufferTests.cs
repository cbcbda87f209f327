using System.Buffers;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

public sealed class BlockBufferTests
{
    private sealed class CountingOwner : IDisposable
    {
        public int Disposals { get; private set; }

        public void Dispose() => Disposals++;
    }

    [Fact]
    public void Lend_DisposeTwice_DisposesTheOwnerOnce()
    {
        var owner = new CountingOwner();
        var buffer = BlockBuffer.Lend(new byte[] { 1, 2, 3, 4 }.AsMemory(1, 2), owner);

        Assert.True(buffer.IsPooled);
        Assert.Equal(new byte[] { 2, 3 }, buffer.Memory.ToArray());
        buffer.Dispose();
        buffer.Dispose();

        Assert.Equal(1, owner.Disposals);
        Assert.Throws<ObjectDisposedException>(() => buffer.Memory);
    }

    [Fact]
    public void ToArray_OfALentView_IsACopyTheCallerOwns()
    {
        var bytes = new byte[] { 5, 6, 7 };
        using var buffer = BlockBuffer.Lend(bytes, new CountingOwner());

        var copy = buffer.ToArray();

        Assert.NotSame(bytes, copy);
        Assert.Equal(bytes, copy);
    }

    [Fact]
    public void ToArray_OfAPlainArray_IsThatArray()
    {
        var bytes = new byte[] { 5, 6, 7 };
        using var buffer = BlockBuffer.Of(bytes);

        Assert.Same(bytes, buffer.ToArray());
        Assert.False(buffer.IsPooled);
    }

    [Fact]
    public void Rent_Dispose_ReturnsTheArrayOnce()
    {
        var pool = ArrayPool<byte>.Create();
        var buffer = BlockBuffer.Rent(pool, 100);
        buffer.Writable.Fill(1);

        buffer.Dispose();
        buffer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Writable.Length);
        var first = pool.Rent(100);
        var second = pool.Rent(100);
        Assert.NotSame(first, second);
    }
}
