using P2P.Node.Storage;

namespace P2P.Node.Content.Exporting;

/// <summary>
/// Streams one file's bytes in order with a bounded read-ahead. At each File node the children that overlap the
/// wanted range (found from blocksizes, so skipped subtrees are never fetched) are fetched in order: the child
/// needed now is always fetched, and further children across the whole walk (at most one ahead among internal
/// nodes) are fetched speculatively, each holding a slot until the walk reaches it. Because the child needed now
/// never waits for a slot, a deep walk cannot deadlock on slots its ancestors hold.
/// The speculative window is paced by the consumer, as TCP's congestion window is by acks: it starts at
/// <see cref="InitialWindow"/> and doubles (slow start: 1, 2, 4, ...), up to <c>readAhead</c>, only when the walk
/// reaches a block that has not arrived yet (the source, not the consumer, is the bottleneck). A consumer that stops asking (an HTTP
/// client that does not read, so the response write never completes) therefore pins at most the window's blocks,
/// never <c>readAhead</c> from the start, and a local read (blocks ready at once) never grows it. Slots also come
/// from a <see cref="ReadAheadBudget"/> that may be shared between reads. One instance serves one read; not
/// thread-safe.
/// </summary>
internal sealed class FileReader(IBlockGetter getter, int readAhead, ReadAheadBudget budget, CancellationToken cancellationToken)
{
    /// <summary>Deeper than any importer builds (1024 links of 2 MiB reach exabytes in 5 levels).</summary>
    public const int MaxDepth = 32;

    /// <summary>Speculative fetches a read may hold before it has shown that it waits on its source.</summary>
    public const int InitialWindow = 0;

    /// <summary>Speculative fetches started and not yet reached by the walk; touched only by the walking thread.</summary>
    private int _held;

    /// <summary>How many speculative fetches this read may hold now; touched only by the walking thread.</summary>
    private int _window = Math.Min(InitialWindow, readAhead);

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(UnixFsNode node, long start, long end, int depth)
    {
        if (depth > MaxDepth)
            throw new InvalidDataException($"{node.Cid}: file DAG is deeper than {MaxDepth} levels");
        if (!node.IsFile)
            throw new InvalidDataException($"{node.Cid}: a file's DAG contains a {node.UnixFs.Type} node");
        var inline = node.Inline;
        if (start < inline.Length && start < end)
            yield return inline[(int)start..(int)Math.Min(end, inline.Length)];
        var wanted = Overlapping(node, start, end);
        if (wanted.Count == 0)
            yield break;
        var queue = new Queue<(Task<BlockBuffer> Fetch, bool Speculative)>();
        var started = 0;
        // Until the first child shows whether this node's children are leaves, and for good if they are
        // internal nodes, fetch only one sibling ahead: otherwise small internal nodes high in the tree would
        // hold the whole budget for the length of their subtrees and leave the leaves with no read-ahead.
        var ahead = 1;
        try
        {
            for (var k = 0; k < wanted.Count; k++)
            {
                // A local read ignores the token (the block is there), so a client that left must be noticed here.
                cancellationToken.ThrowIfCancellationRequested();
                while (started < wanted.Count && (started == k || (started - k - 1 < ahead && TryTakeSlot())))
                {
                    queue.Enqueue((getter.GetBufferAsync(node.Links[wanted[started].Index].Hash, cancellationToken).AsTask(), started != k));
                    started++;
                }
                var (fetch, speculative) = queue.Dequeue();
                if (speculative)
                    ReturnSlot();
                // Doubling rather than +1: a remote fetch reaches the full window after ~7 waits, not 64.
                if (!fetch.IsCompleted && _window < readAhead)
                    _window = Math.Min(readAhead, Math.Max(1, _window * 2));
                var (index, offset) = wanted[k];
                var cid = node.Links[index].Hash;
                // The block's array may be pooled: it goes back once the walk has left this child, which is after the
                // consumer asked for the piece following the child's last one (pieces are valid until then).
                using var block = await fetch;
                var child = UnixFsNode.Decode(cid, block.Memory);
                if (k == 0)
                    ahead = child.Links.Count == 0 ? int.MaxValue : 1;
                var expected = (long)node.UnixFs.BlockSizes[index];
                if (child.Size != expected)
                    throw new InvalidDataException($"{node.Cid}: child {cid} holds {child.Size} bytes but its blocksize says {expected}");
                await foreach (var part in ReadAsync(child, Math.Max(0, start - offset), Math.Min(expected, end - offset), depth + 1))
                    yield return part;
            }
        }
        finally
        {
            // Left over after an error or an early stop: nobody awaits them, so observe their faults here.
            foreach (var (fetch, speculative) in queue)
            {
                if (speculative)
                    ReturnSlot();
                _ = fetch.ContinueWith(static t => Discard(t), CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>A fetch nobody will read: its buffer goes back to its pool, its fault is observed.</summary>
    private static void Discard(Task<BlockBuffer> fetch)
    {
        if (fetch.IsCompletedSuccessfully)
            fetch.Result.Dispose();
        else
            _ = fetch.Exception;
    }

    private bool TryTakeSlot()
    {
        if (_held >= _window || !budget.TryTake())
            return false;
        _held++;
        return true;
    }

    private void ReturnSlot()
    {
        _held--;
        budget.Return();
    }

    /// <summary>Children overlapping [start, end) with their offsets in the node; empty children are skipped.</summary>
    private static List<(int Index, long Offset)> Overlapping(UnixFsNode node, long start, long end)
    {
        var result = new List<(int, long)>();
        long offset = node.Inline.Length;
        var sizes = node.UnixFs.BlockSizes;
        for (var i = 0; i < sizes.Count && offset < end; i++)
        {
            var size = (long)sizes[i];
            if (size > 0 && offset + size > start)
                result.Add((i, offset));
            offset += size;
        }
        return result;
    }
}
