using System.Buffers;

namespace P2P.Node.Storage;

/// <summary>
/// A block's bytes lent to one reader: either a plain array, or an array rented from a pool that goes back to it on
/// <see cref="Dispose"/>. The owner must not touch <see cref="Memory"/> (nor any slice of it, such as a decoded
/// node's data) after disposing: the array may already hold another block. A local read of 1 GiB then reuses a few
/// arrays instead of allocating 4096 large-object arrays that the kernel must fault in one page at a time.
/// Dispose is idempotent and thread-safe, so a read-ahead fetch that nobody awaits can be disposed from its continuation.
/// </summary>
public sealed class BlockBuffer : IDisposable
{
    /// <summary>Null once disposed; swapped with Interlocked so the array is returned at most once.</summary>
    private byte[]? _array;

    /// <summary>Where the array goes back on dispose; null for an array that was never rented.</summary>
    private readonly ArrayPool<byte>? _pool;

    private BlockBuffer(byte[] array, int length, ArrayPool<byte>? pool)
    {
        _array = array;
        Length = length;
        _pool = pool;
    }

    public int Length { get; }

    /// <summary>True when the array came from a pool (tests).</summary>
    public bool IsPooled => _pool is not null;

    /// <summary>The block's bytes; throws once disposed, so a use after return fails loudly instead of reading another block.</summary>
    public ReadOnlyMemory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(BlockBuffer))).AsMemory(0, Length);

    /// <summary>Wraps an array that belongs to nobody else; dispose does nothing to it.</summary>
    public static BlockBuffer Of(byte[] data) => new(data, data.Length, null);

    /// <summary>An array of at least <paramref name="length"/> bytes from <paramref name="pool"/>, for the caller to fill through <see cref="Writable"/>.</summary>
    public static BlockBuffer Rent(ArrayPool<byte> pool, int length) => new(pool.Rent(length), length, pool);

    /// <summary>The bytes to fill, for the reader that rented this buffer (before it hands it on).</summary>
    internal Span<byte> Writable => (_array ?? throw new ObjectDisposedException(nameof(BlockBuffer))).AsSpan(0, Length);

    /// <summary>A copy the caller owns, for the rare path that needs a plain array (a non-pooled getter's result).</summary>
    public byte[] ToArray()
    {
        var array = _array ?? throw new ObjectDisposedException(nameof(BlockBuffer));
        return _pool is null && array.Length == Length ? array : array.AsSpan(0, Length).ToArray();
    }

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
            _pool?.Return(array);
    }
}
