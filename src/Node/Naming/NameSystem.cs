using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Node.Errors;
using P2P.Node.Multiformats;

namespace P2P.Node.Naming;

/// <summary>What a publication made: the name, the path it points at, the record's sequence and where it went.</summary>
public sealed record NamePublication(IpnsName Name, string Value, ulong Sequence, DateTimeOffset Eol, int Stored);

/// <summary>
/// IPNS over the node's value routing: publish signs a record with a keystore key (sequence one past the last this
/// node or the network knows) and stores it locally and at the k closest nodes; resolve returns the path of the
/// newest valid record, cached for the record's TTL (never past its end of validity); the republisher signs every
/// published name again on a schedule so its record never expires while the node runs (kubo's defaults: every 4 h,
/// records valid 48 h). Offline (no routing) it publishes and resolves from this node's own records only.
/// </summary>
public sealed class NameSystem : IAsyncDisposable
{
    /// <summary>kubo's `ipfs name publish` default lifetime (Ipns.RecordLifetime).</summary>
    public static readonly TimeSpan DefaultLifetime = IpnsRecord.DefaultLifetime;

    /// <summary>kubo's republisher period (Ipns.RepublishPeriod).</summary>
    public static readonly TimeSpan DefaultRepublishInterval = TimeSpan.FromHours(4);

    /// <summary>A name pointing at a name pointing at ...: kubo's recursion limit.</summary>
    public const int MaxDepth = 32;

    /// <summary>Resolved names kept in the cache at most (oldest entries go first).</summary>
    public const int MaxCacheEntries = 4096;

    private readonly KeyStore _keys;
    private readonly PublishedRecords _published;
    private readonly IValueRouting? _routing;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<IpnsName, CacheEntry> _cache = new();
    private readonly SemaphoreSlim _publishing = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private ITimer? _republishTimer;
    private Task _republishing = Task.CompletedTask;

    public NameSystem(KeyStore keys, PublishedRecords published, IValueRouting? routing, TimeProvider? time = null, ILogger? logger = null)
    {
        _keys = keys;
        _published = published;
        _routing = routing;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Whether records go to and come from the network (false: this node's own records only).</summary>
    public bool Online => _routing is not null;

    /// <summary>Republications done since start (for tests and the log).</summary>
    public int Republished { get; private set; }

    /// <summary>
    /// Signs a record of <paramref name="keyName"/>'s name pointing at <paramref name="value"/> and publishes it. The
    /// sequence is one past the highest this node holds for the name or, when online and it holds none, the highest
    /// the network returns (so a fresh repo with an imported key does not go backwards).
    /// </summary>
    public async Task<NamePublication> PublishAsync(string keyName, string value, TimeSpan lifetime, TimeSpan ttl, CancellationToken ct)
    {
        var path = NormalizeValue(value);
        if (lifetime <= TimeSpan.Zero)
            throw new P2PException(ErrorKind.BadInput, "the lifetime must be positive");
        if (ttl < TimeSpan.Zero)
            throw new P2PException(ErrorKind.BadInput, "the ttl must not be negative");
        await _publishing.WaitAsync(ct);
        try
        {
            using var key = _keys.Get(keyName);
            var name = IpnsName.FromPeerId(key.PeerId);
            var previous = _published.Get(name);
            if (previous is null && _routing is not null)
                previous = await LookupAsync(name, ct);
            var sequence = previous is null ? 0 : previous.Sequence + 1;
            var eol = _time.GetUtcNow() + lifetime;
            var record = IpnsRecord.Create(key, path, sequence, eol, ttl);
            _published.Put(name, record);
            _cache.TryRemove(name, out _);
            var stored = _routing is null ? 0 : await _routing.PutAsync(name.RoutingKey, record, ct);
            _logger.LogInformation("Published {Name} -> {Value} (sequence {Sequence}, {Stored} peers)", name, path, sequence, stored);
            return new NamePublication(name, path, sequence, eol, stored);
        }
        finally
        {
            _publishing.Release();
        }
    }

    /// <summary>
    /// The path <paramref name="name"/> (a name, or /ipns/name[/rest]) points at: with <paramref name="recursive"/>, a
    /// path that is itself /ipns/... is resolved on, up to <see cref="MaxDepth"/>. A rest of the path is kept.
    /// </summary>
    public async Task<string> ResolveAsync(string name, bool recursive, bool noCache, CancellationToken ct)
    {
        var current = name.StartsWith(IpnsName.NamespacePrefix, StringComparison.Ordinal) ? name : IpnsName.NamespacePrefix + name;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            var (head, rest) = Split(current[IpnsName.NamespacePrefix.Length..]);
            if (!IpnsName.TryParse(head, out var parsed, out var error))
                throw new P2PException(ErrorKind.BadInput, $"invalid IPNS name '{head}': {error}");
            var record = await ResolveRecordAsync(parsed, noCache, ct);
            current = record.Value.TrimEnd('/') + rest;
            if (!recursive || !current.StartsWith(IpnsName.NamespacePrefix, StringComparison.Ordinal))
                return current;
        }
        throw new P2PException(ErrorKind.BadInput, $"could not resolve name: more than {MaxDepth} names in a chain");
    }

    /// <summary>The newest valid record of <paramref name="name"/>; NotFound when there is none.</summary>
    public async Task<IpnsRecord> ResolveRecordAsync(IpnsName name, bool noCache, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (!noCache && _cache.TryGetValue(name, out var cached) && cached.Until > now)
            return cached.Record;
        var best = Valid(name, _published.Get(name), now);
        if (_routing is not null && await LookupAsync(name, ct) is { } found && (best is null || IpnsValidator.Compare(found, best) > 0))
            best = found;
        if (best is null)
            throw new P2PException(ErrorKind.NotFound, $"could not resolve name {name}: no valid record found");
        Remember(name, best, now);
        return best;
    }

    /// <summary>
    /// Publishes a record someone else signed (the delegated routing API's PUT): it must be a valid, unexpired record
    /// of <paramref name="name"/>; the DHT keeps it only if it is newer than what it holds. BadInput when invalid.
    /// </summary>
    public async Task<int> PutRecordAsync(IpnsName name, byte[] record, CancellationToken ct)
    {
        if (!IpnsValidator.Validate(name, record, _time.GetUtcNow(), out var parsed, out _, out var reason))
            throw new P2PException(ErrorKind.BadInput, $"invalid IPNS record for {name}: {reason}");
        if (_routing is null)
            throw new P2PException(ErrorKind.Unavailable, "this node is offline: records cannot be published");
        var stored = await _routing.PutAsync(name.RoutingKey, record, ct);
        _cache.TryRemove(name, out _);
        Remember(name, parsed!, _time.GetUtcNow());
        return stored;
    }

    /// <summary>Starts signing every published name again each <paramref name="interval"/> (the first round after <paramref name="firstAfter"/>).</summary>
    public void StartRepublishing(TimeSpan interval, TimeSpan firstAfter, TimeSpan lifetime)
    {
        _republishTimer = _time.CreateTimer(_ =>
        {
            if (_republishing.IsCompleted)
                _republishing = RepublishAllAsync(lifetime, _stop.Token);
        }, null, firstAfter, interval);
    }

    /// <summary>One republish round: each published name whose key is still in the keystore, same path, next sequence.</summary>
    public async Task RepublishAllAsync(TimeSpan lifetime, CancellationToken ct)
    {
        var keys = _keys.List();
        foreach (var name in _published.Names())
        {
            if (ct.IsCancellationRequested)
                return;
            var key = keys.FirstOrDefault(k => k.IpnsName.Equals(name));
            var previous = _published.Get(name);
            if (key is null || previous is null)
                continue;
            try
            {
                await PublishAsync(key.Name, previous.Value, lifetime, previous.Ttl, ct);
                Republished++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogWarning("Republishing {Name} failed: {Error}", name, e.Message);
            }
        }
    }

    private async Task<IpnsRecord?> LookupAsync(IpnsName name, CancellationToken ct)
    {
        var bytes = await _routing!.GetAsync(name.RoutingKey, ct);
        // The routing validated it already; validating again costs one signature check and keeps this class honest
        // about what it returns whatever routing it is given.
        return bytes is not null && IpnsValidator.Validate(name, bytes, _time.GetUtcNow(), out var record, out _, out _) ? record : null;
    }

    private static IpnsRecord? Valid(IpnsName name, IpnsRecord? record, DateTimeOffset now) =>
        record is not null && IpnsValidator.Validate(name, record.Bytes, now, out _) ? record : null;

    private void Remember(IpnsName name, IpnsRecord record, DateTimeOffset now)
    {
        var until = now + record.Ttl;
        if (record.Validity < until)
            until = record.Validity;
        if (until <= now)
            return;
        if (_cache.Count >= MaxCacheEntries)
        {
            foreach (var old in _cache.OrderBy(e => e.Value.Until).Take(MaxCacheEntries / 8))
                _cache.TryRemove(old.Key, out _);
        }
        _cache[name] = new CacheEntry(record, until);
    }

    /// <summary>
    /// kubo's accepted forms: /ipfs/CID[/path], /ipns/NAME[/path], or a bare CID (taken as /ipfs/CID). The CID must
    /// parse: a record pointing at nothing would be signed and spread for 48 hours.
    /// </summary>
    public static string NormalizeValue(string value)
    {
        var text = value.Trim();
        if (text.Length == 0)
            throw new P2PException(ErrorKind.BadInput, "a path to publish is required");
        if (!text.StartsWith('/'))
            text = "/ipfs/" + text;
        var parts = text.Split('/', 4);
        if (parts.Length < 3 || parts[2].Length == 0)
            throw new P2PException(ErrorKind.BadInput, $"invalid path '{value}'");
        switch (parts[1])
        {
            case "ipfs":
                if (!Cid.TryParse(parts[2], out _, out var error))
                    throw new P2PException(ErrorKind.BadInput, $"invalid path '{value}': {error}");
                break;
            case "ipns":
                if (!IpnsName.TryParse(parts[2], out _, out var nameError))
                    throw new P2PException(ErrorKind.BadInput, $"invalid path '{value}': {nameError}");
                break;
            default:
                throw new P2PException(ErrorKind.BadInput, $"invalid path '{value}': it must start with /ipfs/ or /ipns/");
        }
        return text;
    }

    private static (string Head, string Tail) Split(string path)
    {
        var slash = path.IndexOf('/');
        return slash < 0 ? (path, "") : (path[..slash], path[slash..]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_republishTimer is not null)
            await _republishTimer.DisposeAsync();
        await _stop.CancelAsync();
        try
        {
            await _republishing;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
        _publishing.Dispose();
    }

    private readonly record struct CacheEntry(IpnsRecord Record, DateTimeOffset Until);
}
