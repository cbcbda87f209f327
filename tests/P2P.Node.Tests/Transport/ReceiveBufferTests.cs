using P2P.Node.Transport;

namespace P2P.Node.Tests.Transport;

/// <summary>
/// A pooled receive buffer shared by a message and the leases of a fetched block (docs/perf/fetch-path.md): it goes
/// back to its pool exactly once, when the last holder lets go, and a read after that fails loudly.
/// </summary>
public sealed class ReceiveBufferTests
{
    private static (ReceiveBufferPool Pool, ReceiveBuffer Buffer, byte[] Array) Rented()
    {
        var pool = new ReceiveBufferPool(bufferSize: 1024, maxRetained: 4);
        var array = pool.Rent(1024);
        return (pool, new ReceiveBuffer(pool, array), array);
    }

    [Fact]
    public void ReleaseReference_LastHolder_ReturnsTheArrayOnce()
    {
        var (pool, buffer, array) = Rented();
        var lease = buffer.Retain();
        var shared = lease.Share();

        buffer.ReleaseReference();
        lease.Dispose();
        Assert.False(buffer.Returned);
        Assert.Equal(0, pool.Retained);

        shared.Dispose();
        shared.Dispose();
        lease.Dispose();

        Assert.True(buffer.Returned);
        Assert.Equal(1, pool.Retained);
        Assert.Same(array, pool.Rent(1));
    }

    [Fact]
    public void Span_AfterTheLastRelease_ThrowsInsteadOfReadingTheNextRecord()
    {
        var (_, buffer, _) = Rented();
        var slice = buffer.Memory.Slice(10, 100);
        var readOnly = (ReadOnlyMemory<byte>)slice;
        slice.Span.Fill(7);

        buffer.ReleaseReference();

        Assert.Throws<ObjectDisposedException>(() => readOnly.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => readOnly.ToArray());
        Assert.Throws<ObjectDisposedException>(() => readOnly.Pin());
    }

    [Fact]
    public void Retain_AfterTheLastRelease_Throws()
    {
        var (_, buffer, _) = Rented();
        var lease = buffer.Retain();
        buffer.ReleaseReference();
        lease.Dispose();

        Assert.Throws<ObjectDisposedException>(() => buffer.Retain());
        Assert.Throws<ObjectDisposedException>(() => lease.Share());
    }

    [Fact]
    public void ReleaseReference_MoreOftenThanHeld_FailsLoudlyAndReturnsOnce()
    {
        var (pool, buffer, _) = Rented();
        buffer.ReleaseReference();

        Assert.Throws<InvalidOperationException>(buffer.ReleaseReference);
        Assert.Equal(1, pool.Retained);
    }

    [Fact]
    public void Leases_SharedAndDisposedFromManyThreads_ReturnTheArrayExactlyOnce()
    {
        var (pool, buffer, _) = Rented();
        var root = buffer.Retain();
        buffer.ReleaseReference();
        var leases = Enumerable.Range(0, 64).Select(_ => root.Share()).ToList();

        Parallel.ForEach(leases.Concat(leases), lease => lease.Dispose());
        Assert.False(buffer.Returned);
        root.Dispose();

        Assert.True(buffer.Returned);
        Assert.Equal(0, buffer.References);
        Assert.Equal(1, pool.Retained);
    }

    [Fact]
    public void None_SharesItselfAndDisposesToNothing()
    {
        var lease = PayloadLease.None;

        lease.Dispose();

        Assert.Same(lease, lease.Share());
        Assert.False(lease.Disposed);
    }
}
