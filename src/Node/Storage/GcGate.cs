namespace P2P.Node.Storage;

/// <summary>
/// Keeps gc and writers apart, like kubo's GCLocker: an `add` or `pin add` holds a shared scope from its first
/// put until its pin is recorded, and gc holds the exclusive scope from mark to sweep, so gc never sees a block
/// that is stored but not yet pinned. Scopes may be released on another thread (they span awaits).
/// Writers waiting behind gc wait; gc waits for current writers and blocks new ones while it waits.
/// </summary>
public sealed class GcGate
{
    /// <summary>Monitor for the two counters below.</summary>
    private readonly object _sync = new();

    /// <summary>Shared scopes open now; under <see cref="_sync"/>.</summary>
    private int _shared;

    /// <summary>True while gc runs or waits to run; under <see cref="_sync"/>.</summary>
    private bool _exclusive;

    public IDisposable EnterShared()
    {
        lock (_sync)
        {
            while (_exclusive)
                Monitor.Wait(_sync);
            _shared++;
        }
        return new Scope(this, exclusive: false);
    }

    public IDisposable EnterExclusive()
    {
        lock (_sync)
        {
            while (_exclusive)
                Monitor.Wait(_sync);
            _exclusive = true;
            while (_shared > 0)
                Monitor.Wait(_sync);
        }
        return new Scope(this, exclusive: true);
    }

    private void Exit(bool exclusive)
    {
        lock (_sync)
        {
            if (exclusive)
                _exclusive = false;
            else
                _shared--;
            Monitor.PulseAll(_sync);
        }
    }

    private sealed class Scope(GcGate gate, bool exclusive) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                gate.Exit(exclusive);
        }
    }
}
