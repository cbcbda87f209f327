using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using P2P.Node.Hosting.Api;
using P2P.Node.Hosting.Gateway.DelegatedRouting;
using P2P.Node.Hosting.Http;

namespace P2P.Node.Hosting.Gateway;

/// <summary>
/// The daemon's read-only HTTP gateway: Kestrel on the config's gateway address, serving <c>GET</c> and
/// <c>HEAD /ipfs/{cid}[/path]</c> through <see cref="GatewayHandler"/>, and the Delegated Routing V1 API under
/// /routing/v1. It changes nothing in the repo beyond caching what it fetched, so unlike the API it needs no token
/// and no Origin check.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    /// <summary>Request bytes buffered per connection: twice Kestrel's 32 KiB cap on request headers.</summary>
    private const int RequestBufferSize = 64 * 1024;

    /// <summary>
    /// What one gateway connection may queue for its client, and the slice a file's answer writes at a time: a
    /// default block, as the API's (<see cref="ApiServer.ResponseBufferSize"/>, docs/perf/read-path.md). With
    /// Kestrel's 64 KiB each block went out as four writes, four flushes and four sends, and every one of them
    /// filled the socket transport's output pipe, so the handler parked until Kestrel's sender (a thread-pool
    /// hop away) had sent it and woke it again (docs/perf/fetch-path.md, sixth round). A client that stops
    /// reading pins at most twice this per connection (was 128 KiB).
    /// </summary>
    public const int ResponseBufferSize = ApiServer.ResponseBufferSize;

    private readonly LoopbackWebHost _host;

    private GatewayServer(LoopbackWebHost host) => _host = host;

    /// <summary>The application's services, for tests of how the host was set up.</summary>
    internal IServiceProvider Services => _host.Services;

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
            app =>
            {
                app.MapMethods("/ipfs/{**path}", [HttpMethods.Get, HttpMethods.Head], handler.HandleAsync);
                DelegatedRoutingEndpoints.ForDaemon(daemon, loggers).Map(app);
                new IpnsRoutingEndpoints(daemon.Names, loggers.CreateLogger<IpnsRoutingEndpoints>()).Map(app);
                app.MapMethods("/ipns/{**path}", [HttpMethods.Get, HttpMethods.Head], handler.HandleIpnsAsync);
            },
            ct, ResponseBufferSize, InlineScheduling);
        return new GatewayServer(host);
    }

    /// <summary>
    /// The gateway's socket transport runs Kestrel's sender inline where the handler flushes, and resumes a handler
    /// waiting on back-pressure inline where the send completed, instead of through the transport's I/O queue and
    /// the thread pool: a fetched block then reaches the socket on the thread that took it from the exporter, one
    /// thread hand-off per block fewer each way. Over 16 cold 256 MiB gateway fetches each way, the fetching
    /// daemon spent 0.80 s of CPU on average (median 0.74 s) against 0.97 s (0.80 s) without, with a fifth fewer
    /// futex calls (docs/perf/fetch-path.md, sixth round). Kestrel calls the option unsafe because application code
    /// then runs where socket completions land: on Linux those are thread-pool threads already (unless
    /// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS is set), and the gateway's handler never blocks a thread.
    /// It also inlines the request side, which for a gateway is GET and HEAD headers only. The API keeps the
    /// default: uploads stream through it, and a local read measured no better inline (docs/perf/read-path.md).
    /// </summary>
    internal static void InlineScheduling(SocketTransportOptions transport) => transport.UnsafePreferInlineScheduling = true;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
