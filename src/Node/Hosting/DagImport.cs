using System.Runtime.CompilerServices;
using P2P.Node.Content.Car;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Hosting;

/// <summary>
/// kubo's `dag import` as one use case for the CLI's offline path and the API: CAR files stored one after another
/// (each verified whole by <see cref="CarImporter"/> before anything from it is stored), then their roots pinned.
/// The gc gate is held (shared) from construction to <see cref="Dispose"/>, so a concurrent gc cannot take the
/// blocks between the first put and the last pin. The caller prints; this only does the work.
/// </summary>
public sealed class DagImport : IDisposable
{
    private readonly LocalContent _local;
    private readonly IDisposable _gate;
    private readonly List<Cid> _roots = [];

    internal DagImport(LocalContent local)
    {
        _local = local;
        _gate = local.Repo.GcGate.EnterShared();
    }

    /// <summary>The roots of every CAR added so far, each once, in the order first seen.</summary>
    public IReadOnlyList<Cid> Roots => _roots;

    public int Blocks { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Stores the blocks of one CAR; a CAR that fails verification throws <see cref="InvalidDataException"/>.</summary>
    public async Task AddCarAsync(Stream car, CancellationToken cancellationToken)
    {
        var result = await CarImporter.ImportAsync(car, _local.Blocks, cancellationToken: cancellationToken);
        _local.Blocks.Flush();
        foreach (var root in result.Roots)
        {
            if (!_roots.Contains(root))
                _roots.Add(root);
        }
        Blocks += result.Blocks;
        Bytes += result.Bytes;
    }

    /// <summary>
    /// Pins each root recursively once its whole DAG is found intact in the repo, yielding each as it is done with
    /// the reason it could not be pinned (a missing or corrupt block), so one bad root does not stop the others.
    /// </summary>
    public async IAsyncEnumerable<RootPin> PinRootsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var root in _roots)
        {
            string? error = null;
            try
            {
                // LocalContent.PinAsync would enter the gc gate a second time (and wait behind a queued gc that waits
                // for us); walking then recording the pin under the scope already held is the same check without that.
                await _local.WalkAsync(root, cancellationToken);
                _local.Repo.Pins.Add(root, PinKind.Recursive);
            }
            catch (Exception e) when (e is BlockNotFoundException or CorruptBlockException or InvalidDataException)
            {
                error = e.Message;
            }
            yield return new RootPin(root, error);
        }
    }

    public void Dispose() => _gate.Dispose();
}
