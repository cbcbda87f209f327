using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Exchange;

/// <summary>A store that completes <see cref="Reached"/> once it has handed out a given number of blocks.</summary>
internal sealed class SignallingBlockStore(IBlockStore inner, int after) : IBlockStore
{
    private int _gets;

    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Has(Cid cid) => inner.Has(cid);

    public byte[]? Get(Cid cid)
    {
        if (Interlocked.Increment(ref _gets) >= after)
            Reached.TrySetResult();
        return inner.Get(cid);
    }

    public int GetSize(Cid cid) => inner.GetSize(cid);

    public void Put(Cid cid, ReadOnlySpan<byte> data) => inner.Put(cid, data);

    public bool Delete(Cid cid) => inner.Delete(cid);

    public IEnumerable<Multihash> EnumerateMultihashes() => inner.EnumerateMultihashes();

    public void Flush() => inner.Flush();
}
