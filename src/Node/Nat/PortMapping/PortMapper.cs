using System.Net;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// Keeps the node's UDP port (and its TCP bulk port, same number) mapped on the home router: asks each protocol in
/// turn (PCP/NAT-PMP, then UPnP IGD), renews at half the granted lifetime on the injected clock, tries again after
/// <see cref="PortMapperOptions.RetryInterval"/> when nothing works, and deletes the mappings on dispose.
/// <see cref="MappedAddress"/> is the external UDP endpoint peers can dial, or null with <see cref="Failure"/> saying why.
/// One loop task owns the leases; the properties are read from any thread.
/// </summary>
public sealed class PortMapper : IAsyncDisposable
{
    private static readonly TimeSpan DeleteTimeout = TimeSpan.FromSeconds(3);

    private readonly IReadOnlyList<IPortMappingClient> _clients;
    private readonly int _udpPort;
    private readonly int? _tcpPort;
    private readonly PortMapperOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    /// <summary>The leases held and the client that granted them; written only by the loop (and by dispose after it ended).</summary>
    private (IPortMappingClient Client, PortMappingLease Udp, PortMappingLease? Tcp)? _held;
    private volatile string? _failure;
    private int _disposed;

    /// <summary>A mapper over <paramref name="clients"/>, tried in order; <see cref="Create"/> builds the real ones.</summary>
    public PortMapper(IReadOnlyList<IPortMappingClient> clients, int udpPort, int? tcpPort, PortMapperOptions options, TimeProvider time, ILogger logger,
        string? failure = null)
    {
        _clients = clients;
        _udpPort = udpPort;
        _tcpPort = tcpPort;
        _options = options;
        _time = time;
        _logger = logger;
        _failure = failure ?? (clients.Count == 0 ? "no port-mapping protocol enabled" : "not tried yet");
    }

    /// <summary>The external UDP endpoint the gateway forwards to our port, or null.</summary>
    public IPEndPoint? MappedAddress => Volatile.Read(ref _mapped);

    private IPEndPoint? _mapped;

    /// <summary>The external TCP endpoint for the bulk path, or null (not asked, or refused).</summary>
    public IPEndPoint? MappedBulkAddress { get; private set; }

    /// <summary>Why there is no mapping (null while there is one).</summary>
    public string? Failure => _failure;

    /// <summary>Raised on the loop's thread when <see cref="MappedAddress"/> changes (to null when a mapping is lost).</summary>
    public event Action<IPEndPoint?>? MappedAddressChanged;

    /// <summary>
    /// The mapper for a node bound to <paramref name="bound"/>:<paramref name="udpPort"/>. A node bound to loopback
    /// is not reachable from outside whatever the router does, so it gets a mapper that sends nothing.
    /// </summary>
    public static PortMapper Create(PortMapperOptions options, IPAddress bound, int udpPort, int? tcpPort, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<PortMapper>();
        if (IPAddress.IsLoopback(bound))
            return new PortMapper([], udpPort, tcpPort, options, time, logger, "the node listens on loopback only");
        if (bound.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork && !bound.Equals(IPAddress.IPv6Any))
            return new PortMapper([], udpPort, tcpPort, options, time, logger, "port mapping is for IPv4 listeners");
        var gateway = options.Gateway ?? DefaultGateway.Find();
        if (gateway is null)
            return new PortMapper([], udpPort, tcpPort, options, time, logger, "no IPv4 default gateway");
        var local = options.LocalAddress
            ?? (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any) ? DefaultGateway.LocalAddressTowards(gateway) : bound);
        var clients = new List<IPortMappingClient>();
        if (options.UsePcpNatPmp)
            clients.Add(new PcpNatPmpClient(new IPEndPoint(gateway, options.GatewayPort), local, time, logger));
        if (options.UseUpnp)
            clients.Add(new UpnpIgdClient(gateway, local, time, logger));
        return new PortMapper(clients, udpPort, tcpPort, options, time, logger);
    }

    /// <summary>Starts the loop: the first attempt at once, in the background.</summary>
    public void Start()
    {
        if (_clients.Count == 0)
        {
            _logger.LogInformation("Port mapping off: {Reason}", _failure);
            return;
        }
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Runs one attempt (or renewal) now and returns the next wait; the loop's body, public for tests that step the clock.</summary>
    public async Task<TimeSpan> RefreshAsync(CancellationToken ct)
    {
        var previous = _held;
        foreach (var client in OrderFrom(previous?.Client))
        {
            var attempt = await TryMapAsync(client, MappedProtocol.Udp, _udpPort, previous?.Client == client ? previous.Value.Udp : null, ct);
            if (attempt.Lease is not { } udp)
            {
                _logger.LogDebug("Port mapping through {Method} failed: {Reason}", client.Method, attempt.Failure);
                _failure = attempt.Failure;
                continue;
            }
            PortMappingLease? tcp = null;
            if (_tcpPort is { } tcpPort)
            {
                var tcpAttempt = await TryMapAsync(client, MappedProtocol.Tcp, tcpPort, previous?.Client == client ? previous.Value.Tcp : null, ct);
                tcp = tcpAttempt.Lease;
                if (tcp is null)
                    _logger.LogDebug("TCP bulk port mapping through {Method} failed: {Reason}", client.Method, tcpAttempt.Failure);
            }
            _held = (client, udp, tcp);
            _failure = null;
            _failures = 0;
            MappedBulkAddress = tcp?.External;
            if (!udp.External.Equals(MappedAddress))
            {
                _logger.LogInformation("Port mapping obtained: {Lease}{Tcp}", udp, tcp is null ? "" : $"; tcp {tcp.External}");
                SetMapped(udp.External);
            }
            var shortest = tcp is null || udp.Lifetime <= tcp.Lifetime ? udp.Lifetime : tcp.Lifetime;
            return shortest / 2 > _options.MinRenewInterval ? shortest / 2 : _options.MinRenewInterval;
        }
        _held = null;
        MappedBulkAddress = null;
        if (MappedAddress is not null)
        {
            _logger.LogWarning("Port mapping lost: {Reason}", _failure);
            SetMapped(null);
        }
        var retry = RetryAfter(++_failures);
        if (previous is null && MappedAddress is null)
            _logger.LogInformation("Port mapping unavailable: {Reason}; trying again in {Retry}", _failure, retry);
        return retry;
    }

    /// <summary>Failures in a row since the last mapping.</summary>
    private int _failures;

    /// <summary>
    /// 10 s after a first failure, doubling up to <see cref="PortMapperOptions.RetryInterval"/>: a gateway that was
    /// slow to answer once (a loaded router, a lost datagram) is asked again soon; one without the service is left alone.
    /// </summary>
    private TimeSpan RetryAfter(int failures)
    {
        var backoff = TimeSpan.FromSeconds(10 * Math.Pow(2, Math.Min(failures - 1, 16)));
        return backoff < _options.RetryInterval ? backoff : _options.RetryInterval;
    }

    /// <summary>A socket error (no route, interface down) is a failed attempt like any other, not the end of the loop.</summary>
    private async Task<MappingAttempt> TryMapAsync(IPortMappingClient client, MappedProtocol protocol, int port, PortMappingLease? previous, CancellationToken ct)
    {
        try
        {
            return await client.MapAsync(protocol, port, _options.Lifetime, previous, ct);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return MappingAttempt.Failed($"{client.Method}: {e.Message}");
        }
    }

    private IEnumerable<IPortMappingClient> OrderFrom(IPortMappingClient? first) =>
        first is null ? _clients : _clients.Where(c => c == first).Concat(_clients.Where(c => c != first));

    private void SetMapped(IPEndPoint? mapped)
    {
        Volatile.Write(ref _mapped, mapped);
        MappedAddressChanged?.Invoke(mapped);
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var wait = await RefreshAsync(ct);
                await Task.Delay(wait, _time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _logger.LogWarning(e, "Port mapping stopped");
        }
    }

    /// <summary>Stops renewing and deletes the mappings held, waiting at most a few seconds for the gateway.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync();
        await _loop;
        if (_held is { } held)
        {
            using var timeout = new CancellationTokenSource(DeleteTimeout, _time);
            try
            {
                await held.Client.DeleteAsync(held.Udp, timeout.Token);
                if (held.Tcp is { } tcp)
                    await held.Client.DeleteAsync(tcp, timeout.Token);
                _logger.LogInformation("Port mapping deleted: {Lease}", held.Udp);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Net.Sockets.SocketException)
            {
                _logger.LogInformation("Port mapping not deleted ({Error}); it expires by itself", e.Message);
            }
            _held = null;
        }
        foreach (var client in _clients)
            (client as IDisposable)?.Dispose();
        _stop.Dispose();
    }
}
