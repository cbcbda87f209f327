using Microsoft.Extensions.Logging;

namespace P2P.Dht;

/// <summary>
/// Periodic upkeep on the injected clock: drop expired provider records, refresh buckets no lookup used
/// for <see cref="DhtOptions.RefreshInterval"/> (Kademlia section 2.3), and re-announce provided keys
/// every <see cref="DhtOptions.RepublishInterval"/> to the k closest nodes of the moment, so records
/// follow churn (libp2p: 22 h against a 48 h TTL).
/// </summary>
public sealed partial class DhtNode
{
    /// <summary>Keys this node provides, by base64 of the multihash. Guarded by _gate.</summary>
    private readonly Dictionary<string, ProvidedKey> _provided = [];
    private ITimer? _maintenanceTimer;
    /// <summary>1 while a maintenance pass runs (a slow pass is never overlapped).</summary>
    private int _maintaining;

    /// <summary>Starts the maintenance timer (every <see cref="DhtOptions.MaintenanceInterval"/>).</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _maintenanceTimer ??= Time.CreateTimer(
            static s => ((DhtNode)s!).OnMaintenanceTick(), this, Options.MaintenanceInterval, Options.MaintenanceInterval);
    }

    /// <summary>Keys this node currently announces.</summary>
    public int ProvidedCount
    {
        get { lock (_gate) return _provided.Count; }
    }

    /// <summary>One maintenance pass: expiry, refresh of idle buckets, republishing of due keys.</summary>
    public async Task RunMaintenanceAsync(CancellationToken ct)
    {
        if (_disposed) return;
        var now = NowTicks;
        List<ProvidedKey> due = [];
        lock (_gate)
        {
            _store.Expire(now);
            _values.Expire(now);
            foreach (var (name, provided) in _provided)
                if (provided.NextRepublishTicks <= now) due.Add(provided);
            foreach (var provided in due)
                _provided[Convert.ToBase64String(provided.Multihash)] = provided with { NextRepublishTicks = now + Options.RepublishInterval.Ticks };
        }
        await RefreshAsync(force: false, ct);
        foreach (var provided in due)
        {
            if (_disposed) return;
            var result = await PublishAsync(provided.Multihash, ct);
            _logger.LogDebug("republished {Key} to {Stored}/{Attempted}", Key.Hash(provided.Multihash).ToShortString(), result.Stored, result.Attempted);
        }
    }

    /// <summary>Looks up a random key in every bucket that is idle (or every bucket when forced).</summary>
    private async Task RefreshAsync(bool force, CancellationToken ct)
    {
        var now = NowTicks;
        List<Key> targets = [];
        lock (_gate)
        {
            var idle = Options.RefreshInterval.Ticks;
            for (var cpl = 0; cpl < _table.BucketCount; cpl++)
                if (force || now - _table.LastUsed(cpl) >= idle)
                    targets.Add(Key.RandomInBucket(Self.Id, cpl, _random));
        }
        foreach (var target in targets)
        {
            if (_disposed) return;
            await FindClosestAsync(target, ct);
        }
    }

    private void OnMaintenanceTick()
    {
        if (_disposed || Interlocked.Exchange(ref _maintaining, 1) == 1) return;
        _ = RunTickAsync();
    }

    private async Task RunTickAsync()
    {
        try
        {
            await RunMaintenanceAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "DHT maintenance pass failed");
        }
        finally
        {
            Volatile.Write(ref _maintaining, 0);
        }
    }

    private readonly record struct ProvidedKey(byte[] Multihash, long NextRepublishTicks);
}
