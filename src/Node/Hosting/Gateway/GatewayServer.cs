using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using P2P.Node.Hosting.Http;

namespace P2P.Node.Hosting.Gateway;

/// <summary>
/// The daemon's read-only HTTP gateway: Kestrel on the config's gateway address, serving <c>GET</c> and
/// <c>HEAD /ipfs/{cid}[/path]</c> through <see cref="GatewayHandler"/>. It changes nothing in the repo beyond
/// caching what it fetched, so unlike the API it needs no token and no Origin check.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    /// <summary>Request bytes buffered per connection: twice Kestrel's 32 KiB cap on request headers.</summary>
    private const int RequestBufferSize = 64 * 1024;

    private readonly LoopbackWebHost _host;

    private GatewayServer(LoopbackWebHost host) => _host = host;

    /// <summary>The bound address, with the real port when 0 was asked.</summary>
    public IPEndPoint EndPoint => _host.EndPoint;

    /// <summary>
    /// Starts the gateway. <paramref name="resolveTimeout"/> bounds the wait for the first block of a path nobody
    /// sends (404 after it), so a request for content that does not exist does not hang for the exchange's timeout.
    /// <paramref name="maxConnections"/> caps the connections served at once; Kestrel closes any beyond it at accept.
    /// </summary>
    public static async Task<GatewayServer> StartAsync(IPEndPoint bind, Daemon daemon, TimeSpan resolveTimeout, ILoggerFactory loggers,
        CancellationToken ct, int maxConnections = LoopbackWebHost.DefaultMaxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        var handler = new GatewayHandler(daemon, resolveTimeout, loggers.CreateLogger<GatewayHandler>());
        var host = await LoopbackWebHost.StartAsync(bind, loggers,
            kestrel: k =>
            {
                k.Limits.MaxConcurrentConnections = maxConnections;
                // GET and HEAD only: no body to buffer, so a request needs no more than its headers' room.
                k.Limits.MaxRequestBufferSize = RequestBufferSize;
            },
            app => app.MapMethods("/ipfs/{**path}", [HttpMethods.Get, HttpMethods.Head], handler.HandleAsync),
            ct);
        return new GatewayServer(host);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
