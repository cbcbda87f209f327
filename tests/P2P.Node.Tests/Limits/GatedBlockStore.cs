using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Limits;

/// <summary>A store whose reads wait for <see cref="Open"/>: the serve loop stalls on its first block while wants pile up.</summary>
internal sealed class GatedBlockStore(IBlockStore inner) : IBlockStore, IDisposable
{
    private readonly ManualResetEventSlim _gate = new();
    private int _gets;

    public int Gets => Volatile.Read(ref _gets);

    public TaskCompletionSource FirstGet { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.Set();

    public bool Has(Cid cid) => inner.Has(cid);

    public byte[]? Get(Cid cid)
    {
        Interlocked.Increment(ref _gets);
        FirstGet.TrySetResult();
        // Bounded, so a failing test cannot hang the run.
        _gate.Wait(TimeSpan.FromSeconds(30));
        return inner.Get(cid);
    }

    public int GetSize(Cid cid) => inner.GetSize(cid);

    public void Put(Cid cid, ReadOnlySpan<byte> data) => inner.Put(cid, data);

    public bool Delete(Cid cid) => inner.Delete(cid);

    public IEnumerable<Multihash> EnumerateMultihashes() => inner.EnumerateMultihashes();

    public void Flush() => inner.Flush();

    public void Dispose()
    {
        _gate.Set();
        _gate.Dispose();
    }
}
