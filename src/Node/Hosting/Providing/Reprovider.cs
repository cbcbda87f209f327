using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using P2P.Dht;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Hosting.Providing;

/// <summary>
/// Announces what the repo holds (kubo's reprovider with the "all" strategy): every block at start and then every
/// <c>interval</c>, plus the blocks of each new add as soon as they are queued. Announcements run in the background
/// on a bounded queue with a few in parallel; a full queue drops the extra keys, which the next round covers.
/// Each round re-reads the block store, so a block removed by gc stops being announced. A key that reached fewer
/// than half of the closest peers it was offered to (the node was alone or still joining, or a lossy path ate the
/// announcements) is tried again every <see cref="RetryInterval"/>, a few times: a record held by one node of three
/// is lost to every lookup whose request to that node is lost.
/// </summary>
public sealed class Reprovider : IAsyncDisposable
{
    private const int QueueCapacity = 65_536;
    private const int Parallelism = 8;
    private const int MaxRetries = 5;

    /// <summary>Keys remembered for a retry at most; beyond it the next full round covers them.</summary>
    private const int MaxUnannounced = 4096;

    /// <summary>Wait before announcing again a key that reached too few peers.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    private readonly NetworkHost _host;
    private readonly IBlockStore _blocks;
    private readonly ILogger _logger;
    private readonly Channel<Multihash> _queue = Channel.CreateBounded<Multihash>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer _timer;
    private readonly ITimer _retryTimer;

    /// <summary>Keys that reached fewer than half of the peers offered them, with the attempts made so far.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Multihash, int> _unannounced = new();
    private readonly Task[] _workers;
    private long _announced;

    public Reprovider(NetworkHost host, IBlockStore blocks, TimeSpan interval, TimeProvider time, ILogger<Reprovider> logger)
    {
        _host = host;
        _blocks = blocks;
        _logger = logger;
        _workers = new Task[Parallelism];
        for (var i = 0; i < Parallelism; i++)
            _workers[i] = Task.Run(() => WorkAsync(_stopping.Token));
        _timer = time.CreateTimer(static s => ((Reprovider)s!).QueueAll(), this, TimeSpan.Zero, interval);
        _retryTimer = time.CreateTimer(static s => ((Reprovider)s!).QueueRetries(), this, RetryInterval, RetryInterval);
        host.Transport.Nat.Changed += OnAddressesChanged;
    }

    /// <summary>The relays our records named when we last announced everything (see <see cref="OnAddressesChanged"/>).</summary>
    private string _announcedRoute = "";

    /// <summary>
    /// Records made before we learned we are behind a NAT name an address no one can dial; once we hold relay
    /// reservations, every block is announced again so the records name a relay.
    /// </summary>
    private void OnAddressesChanged(object? sender, EventArgs e)
    {
        var nat = _host.Transport.Nat;
        if (nat.Reachability != Transport.Reachability.Private || nat.Reservations.Count == 0)
            return;
        var route = string.Join(',', nat.Reservations.Select(r => r.Relay.ToString()).Order(StringComparer.Ordinal));
        lock (_queue)
        {
            if (route == _announcedRoute)
                return;
            _announcedRoute = route;
        }
        _logger.LogInformation("Reachable through relays now ({Relays}): announcing every block again", route);
        _ = Task.Run(QueueAll);
    }

    /// <summary>Announcements completed since start.</summary>
    public long Announced => Interlocked.Read(ref _announced);

    /// <summary>Keys waiting to be announced again because too few peers stored them.</summary>
    internal int PendingRetries => _unannounced.Count;

    /// <summary>Pulsed after each completed announcement.</summary>
    public ChangeSignal AnnouncedChanged { get; } = new();

    /// <summary>Announces <paramref name="multihash"/> now and waits for it (the root of an add).</summary>
    public async Task<int> AnnounceNowAsync(Multihash multihash, CancellationToken ct)
    {
        var result = await _host.AnnounceOnceAsync(multihash, ct);
        Record(multihash, result);
        return result.Stored;
    }

    private void Record(Multihash key, PublishResult result)
    {
        Interlocked.Increment(ref _announced);
        if (result.Stored > 0 && result.Stored * 2 >= result.Attempted)
            _unannounced.TryRemove(key, out _);
        else if (_unannounced.Count < MaxUnannounced || _unannounced.ContainsKey(key))
            _unannounced.AddOrUpdate(key, 1, static (_, attempts) => attempts + 1);
        AnnouncedChanged.Pulse();
    }

    private void QueueRetries()
    {
        foreach (var (key, attempts) in _unannounced)
        {
            if (attempts > MaxRetries)
                _unannounced.TryRemove(key, out _);
            else
                _queue.Writer.TryWrite(key);
        }
    }

    /// <summary>Queues keys to announce in the background.</summary>
    public void Enqueue(IEnumerable<Multihash> keys)
    {
        foreach (var key in keys)
            _queue.Writer.TryWrite(key);
    }

    private void QueueAll()
    {
        try
        {
            var count = 0;
            foreach (var key in _blocks.EnumerateMultihashes())
            {
                if (!_queue.Writer.TryWrite(key))
                    break;
                count++;
            }
            _logger.LogInformation("Reprovide round: {Count} blocks queued", count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Reprovide round skipped: {Error}", e.Message);
        }
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var key in _queue.Reader.ReadAllAsync(ct))
            {
                try
                {
                    var result = await _host.AnnounceOnceAsync(key, ct);
                    Record(key, result);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogWarning(e, "Announcing a block failed");
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _host.Transport.Nat.Changed -= OnAddressesChanged;
        await _timer.DisposeAsync();
        await _retryTimer.DisposeAsync();
        await _stopping.CancelAsync();
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
        _stopping.Dispose();
    }
}
