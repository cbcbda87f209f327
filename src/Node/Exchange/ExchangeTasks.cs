using Microsoft.Extensions.Logging;

namespace P2P.Node.Exchange;

/// <summary>
/// The one owner of the exchange's background work: the long-running loops (scheduler, verifiers, provide queue)
/// and the short tasks started per event (provider searches, serve workers, cancels and want-haves sent without
/// waiting). Every task is started here, tracked until it ends, and awaited by <see cref="StopAsync"/>, so a
/// disposed exchange leaves nothing running behind it. Once stopping, new work is not started.
/// </summary>
internal sealed class ExchangeTasks(ILogger logger)
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Guards <see cref="_running"/> and <see cref="_stopped"/>.</summary>
    private readonly Lock _lock = new();

    /// <summary>Tasks started and not yet finished. Guarded by _lock.</summary>
    private readonly HashSet<Task> _running = [];

    /// <summary>Set by <see cref="StopAsync"/>; no task starts after it. Guarded by _lock.</summary>
    private bool _stopped;

    /// <summary>Cancelled when the exchange stops; every background task watches it.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Tasks running now (tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _running.Count;
        }
    }

    /// <summary>Runs <paramref name="work"/> on the thread pool and tracks it; does nothing once stopping.</summary>
    public void Run(Func<Task> work)
    {
        lock (_lock)
        {
            if (_stopped)
                return;
            var task = Task.Run(work, CancellationToken.None);
            _running.Add(task);
            _ = task.ContinueWith(Finished, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Finished(Task task)
    {
        if (task.IsFaulted && !IsStopping)
            logger.LogDebug(task.Exception, "An exchange background task failed");
        lock (_lock)
            _running.Remove(task);
    }

    /// <summary>Cancels <see cref="Stopping"/> and waits for every tracked task to end (their faults were logged).</summary>
    public async Task StopAsync()
    {
        Task[] running;
        lock (_lock)
        {
            _stopped = true;
            running = [.. _running];
        }
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(running);
        }
        catch (Exception)
        {
            // Each fault was seen by Finished; stopping only waits.
        }
        _stopping.Dispose();
    }
}
