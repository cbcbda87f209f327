namespace P2P.Node.Content.Exporting;

/// <summary>
/// kubo's <c>cat A B</c> with <c>--offset</c> and <c>--length</c>: the range applies to the files written one after
/// the other, so it may start inside one file and end inside a later one. This says which part of each file to write;
/// the CLI and the API both write through it, so the two paths cut the same bytes.
/// </summary>
public static class ConcatenatedRange
{
    /// <summary>
    /// For files of <paramref name="sizes"/> in order: the index of each file that has bytes in the range, the bytes to
    /// skip at its start and how many to take (null: to its end).
    /// </summary>
    public static IEnumerable<(int Index, long Skip, long? Take)> Parts(IReadOnlyList<long> sizes, long offset, long? length)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (length is < 0)
            throw new ArgumentOutOfRangeException(nameof(length), "the length must not be negative");
        var (skip, left) = (offset, length);
        for (var i = 0; i < sizes.Count; i++)
        {
            if (left is <= 0)
                yield break;
            var size = sizes[i];
            // An empty file is still handed on, with nothing to write and the range untouched, so that a directory
            // named among the files (size 0 here) is refused by the writer as it is when named alone.
            if (size == 0)
            {
                yield return (i, 0, left is null ? null : 0);
                continue;
            }
            // A file wholly before the offset is skipped.
            if (skip >= size)
            {
                skip -= size;
                continue;
            }
            var take = left is { } l ? Math.Min(l, size - skip) : (long?)null;
            yield return (i, skip, take);
            left -= take ?? 0;
            skip = 0;
        }
    }
}
