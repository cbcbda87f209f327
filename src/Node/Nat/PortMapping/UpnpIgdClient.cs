using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Nat.PortMapping;

/// <summary>
/// UPnP IGD port mapping: SSDP M-SEARCH from the LAN address, the gateway's device description over HTTP, then SOAP
/// calls on its WANIPConnection/WANPPPConnection control URL. Only the default gateway's SSDP answers are taken, and
/// every URL must stay on that host. Every step has a timeout and a size cap. Written by hand: the .NET UPnP
/// libraries (Open.NAT, Mono.Nat) are not served here, and the three actions we need are a few lines of XML each.
/// </summary>
public sealed class UpnpIgdClient : IPortMappingClient, IDisposable
{
    /// <summary>How long SSDP answers are waited for (the search's MX is 1 s).</summary>
    public static readonly TimeSpan SearchWindow = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(3);

    /// <summary>A gateway that only takes permanent leases (error 725) is re-asked this often, so a lease we hold is refreshed.</summary>
    public static readonly TimeSpan PermanentLeaseRecheck = TimeSpan.FromHours(1);

    private const int MaxAnswersRead = 16;

    private readonly IPAddress _gateway;
    private readonly IPAddress _localAddress;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    /// <summary>The gateway's connection service, found once; guarded by being set only on the mapper's single loop.</summary>
    private IgdDescription? _service;

    public UpnpIgdClient(IPAddress gateway, IPAddress localAddress, TimeProvider time, ILogger logger)
    {
        _gateway = gateway;
        _localAddress = localAddress;
        _time = time;
        _logger = logger;
        // No proxy (a proxy from the environment must not see LAN calls), no redirects (they could leave the gateway).
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, ConnectTimeout = HttpTimeout, MaxResponseHeadersLength = 16 };
        _http = new HttpClient(handler) { Timeout = HttpTimeout, MaxResponseContentBufferSize = IgdDescription.MaxBytes };
    }

    public string Method => "upnp";

    public async Task<MappingAttempt> MapAsync(MappedProtocol protocol, int internalPort, TimeSpan lifetime, PortMappingLease? previous, CancellationToken ct)
    {
        try
        {
            if (_service is null)
            {
                var (service, problem) = await DiscoverAsync(ct);
                if (service is null)
                    return MappingAttempt.Failed(problem!);
                _service = service;
            }
            var (external, ipError) = await GetExternalAddressAsync(_service, ct);
            if (external is null)
                return MappingAttempt.Failed(ipError!);
            var externalPort = previous?.External.Port ?? internalPort;
            var seconds = (uint)Math.Clamp(lifetime.TotalSeconds, 1, 604800);
            var (code, error) = await AddAsync(_service, protocol, externalPort, internalPort, seconds, ct);
            if (code == 725)
            {
                (code, error) = await AddAsync(_service, protocol, externalPort, internalPort, 0, ct);
                lifetime = PermanentLeaseRecheck;
            }
            for (var retry = 1; code == 718 && retry <= 2; retry++)
            {
                // 718 ConflictInMappingEntry: another host holds that external port; try two others, deterministically.
                externalPort = 1024 + (internalPort - 1024 + retry * 7919) % (65536 - 1024);
                (code, error) = await AddAsync(_service, protocol, externalPort, internalPort, seconds, ct);
            }
            if (error is not null)
                return MappingAttempt.Failed(error);
            return MappingAttempt.Ok(new PortMappingLease(Method, protocol, internalPort, new IPEndPoint(external, externalPort), lifetime, []));
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            _service = null;
            return MappingAttempt.Failed($"UPnP gateway {_gateway} did not answer: {e.Message}");
        }
    }

    public async Task DeleteAsync(PortMappingLease lease, CancellationToken ct)
    {
        if (_service is null)
            return;
        try
        {
            await CallAsync(_service, "DeletePortMapping", ct,
                ("NewRemoteHost", ""), ("NewExternalPort", Port(lease.External.Port)), ("NewProtocol", Name(lease.Protocol)));
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            _logger.LogDebug("UPnP DeletePortMapping on {Gateway} failed: {Error}", _gateway, e.Message);
        }
    }

    private async Task<(IgdDescription? Service, string? Problem)> DiscoverAsync(CancellationToken ct)
    {
        var location = await SearchAsync(ct);
        if (location is null)
            return (null, $"no UPnP gateway answered an SSDP search from {_localAddress} within {SearchWindow.TotalSeconds:0} s");
        var xml = await _http.GetStringAsync(location, ct);
        var service = IgdDescription.Parse(xml, location, out var problem);
        if (service is null)
            _logger.LogWarning("Port mapping: ignored the UPnP description at {Location}: {Problem}", location, problem);
        return (service, service is null ? $"UPnP description at {location}: {problem}" : null);
    }

    /// <summary>Sends the M-SEARCH from the LAN address and returns the gateway's description URL, or null.</summary>
    private async Task<Uri?> SearchAsync(CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(_localAddress, 0));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, _localAddress.GetAddressBytes());
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 2);
        await socket.SendToAsync(SsdpMessage.Search(), SocketFlags.None, SsdpMessage.MulticastEndPoint, ct);
        using var timer = new CancellationTokenSource(SearchWindow, _time);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        var buffer = new byte[SsdpMessage.MaxAnswerBytes + 1];
        try
        {
            for (var read = 0; read < MaxAnswersRead; read++)
            {
                var answer = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), window.Token);
                var from = ((IPEndPoint)answer.RemoteEndPoint).Address;
                if (!from.Equals(_gateway))
                {
                    _logger.LogWarning("Port mapping: ignored an SSDP answer from {Source}, which is not the gateway {Gateway}", from, _gateway);
                    continue;
                }
                if (SsdpMessage.ParseLocation(buffer.AsSpan(0, answer.ReceivedBytes), from, out var problem) is { } location)
                    return location;
                _logger.LogWarning("Port mapping: ignored an SSDP answer from {Source}: {Problem}", from, problem);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The window closed with no usable answer.
        }
        return null;
    }

    private async Task<(IPAddress? External, string? Problem)> GetExternalAddressAsync(IgdDescription service, CancellationToken ct)
    {
        var (outs, _, error) = await CallAsync(service, "GetExternalIPAddress", ct);
        if (outs is null)
            return (null, $"UPnP GetExternalIPAddress on {_gateway}: {error}");
        if (!outs.TryGetValue("NewExternalIPAddress", out var text) || !IPAddress.TryParse(text, out var address)
            || address.AddressFamily != AddressFamily.InterNetwork || address.Equals(IPAddress.Any))
        {
            _logger.LogWarning("Port mapping: ignored a GetExternalIPAddress answer from {Gateway} with no usable address", _gateway);
            return (null, $"UPnP gateway {_gateway} reported no external IPv4 address");
        }
        return (address, null);
    }

    private async Task<(int? Code, string? Error)> AddAsync(IgdDescription service, MappedProtocol protocol, int externalPort, int internalPort, uint seconds, CancellationToken ct)
    {
        var (outs, code, error) = await CallAsync(service, "AddPortMapping", ct,
            ("NewRemoteHost", ""), ("NewExternalPort", Port(externalPort)), ("NewProtocol", Name(protocol)),
            ("NewInternalPort", Port(internalPort)), ("NewInternalClient", _localAddress.ToString()), ("NewEnabled", "1"),
            ("NewPortMappingDescription", "p2p"), ("NewLeaseDuration", seconds.ToString(CultureInfo.InvariantCulture)));
        return outs is not null ? (null, null) : (code, $"UPnP AddPortMapping on {_gateway}: {error}");
    }

    private async Task<(IReadOnlyDictionary<string, string>? Out, int? ErrorCode, string? Error)> CallAsync(IgdDescription service, string action,
        CancellationToken ct, params (string Name, string Value)[] arguments)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, service.ControlUrl)
        {
            Content = new StringContent(UpnpSoap.Envelope(service.ServiceType, action, arguments), Encoding.UTF8, "text/xml"),
        };
        request.Headers.TryAddWithoutValidation("SOAPACTION", UpnpSoap.SoapAction(service.ServiceType, action));
        using var response = await _http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return UpnpSoap.ParseAnswer(body, action);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string Name(MappedProtocol protocol) => protocol == MappedProtocol.Udp ? "UDP" : "TCP";

    public void Dispose() => _http.Dispose();
}
