using System.Buffers;

namespace P2P.Node.Storage;

/// <summary>
/// A block's bytes lent to one reader: a plain array, an array rented from a pool that goes back to it on
/// <see cref="Dispose"/>, or a view of memory someone else owns, held through an owner that this buffer disposes (a
/// fetched block still in its pooled receive buffer, shared by every reader of it). The reader must not touch
/// <see cref="Memory"/> (nor any slice of it, such as a decoded node's data) after disposing: the array may already
/// hold another block. A read of 1 GiB then reuses a few arrays instead of allocating 4096 large-object arrays that
/// the kernel must fault in one page at a time. Dispose is idempotent and thread-safe, so a read-ahead fetch that
/// nobody awaits can be disposed from its continuation.
/// </summary>
public sealed class BlockBuffer : IDisposable
{
    private readonly ReadOnlyMemory<byte> _memory;

    /// <summary>The array under <see cref="_memory"/> when this buffer owns or rents it; null for a lent view.</summary>
    private readonly byte[]? _array;

    /// <summary>Where the array goes back on dispose; null for an array that was never rented.</summary>
    private readonly ArrayPool<byte>? _pool;

    /// <summary>Released on dispose: the claim on memory lent by someone else.</summary>
    private readonly IDisposable? _owner;

    /// <summary>1 once disposed; swapped with Interlocked so the array (or the owner's claim) is given back once.</summary>
    private int _disposed;

    private BlockBuffer(ReadOnlyMemory<byte> memory, byte[]? array, ArrayPool<byte>? pool, IDisposable? owner)
    {
        _memory = memory;
        _array = array;
        _pool = pool;
        _owner = owner;
    }

    public int Length => _memory.Length;

    /// <summary>True when the bytes are not this buffer's alone: rented from a pool, or lent by an owner (tests).</summary>
    public bool IsPooled => _pool is not null || _owner is not null;

    /// <summary>The block's bytes; throws once disposed, so a use after return fails loudly instead of reading another block.</summary>
    public ReadOnlyMemory<byte> Memory => Volatile.Read(ref _disposed) == 0 ? _memory : throw new ObjectDisposedException(nameof(BlockBuffer));

    /// <summary>Wraps an array that belongs to nobody else; dispose does nothing to it.</summary>
    public static BlockBuffer Of(byte[] data) => new(data, data, null, null);

    /// <summary>An array of at least <paramref name="length"/> bytes from <paramref name="pool"/>, for the caller to fill through <see cref="Writable"/>.</summary>
    public static BlockBuffer Rent(ArrayPool<byte> pool, int length)
    {
        var array = pool.Rent(length);
        return new(array.AsMemory(0, length), array, pool, null);
    }

    /// <summary>
    /// A view of <paramref name="memory"/>, valid while <paramref name="owner"/> is held; disposing this buffer
    /// disposes the owner (once). The owner must be this reader's own claim, not one shared with another holder.
    /// </summary>
    public static BlockBuffer Lend(ReadOnlyMemory<byte> memory, IDisposable owner) => new(memory, null, null, owner);

    /// <summary>The bytes to fill, for the reader that rented this buffer (before it hands it on).</summary>
    internal Span<byte> Writable
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _pool is not null ? _array.AsSpan(0, Length) : throw new InvalidOperationException("only a rented buffer is filled in place");
        }
    }

    /// <summary>A copy the caller owns, for the path that needs a plain array (a non-pooled getter's result); a plain array is returned as is.</summary>
    public byte[] ToArray()
    {
        var memory = Memory;
        return _pool is null && _owner is null && _array is not null && _array.Length == Length ? _array : memory.ToArray();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (_pool is not null)
            _pool.Return(_array!);
        _owner?.Dispose();
    }
}
