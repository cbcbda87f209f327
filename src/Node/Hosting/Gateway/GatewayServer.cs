using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Hosting.Gateway;

/// <summary>
/// The daemon's read-only HTTP gateway: Kestrel on the config's gateway address, serving <c>GET</c> and
/// <c>HEAD /ipfs/{cid}[/path]</c> through <see cref="GatewayHandler"/>. It changes nothing in the repo beyond
/// caching what it fetched, so unlike the API it needs no token and no Origin check.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayServer(WebApplication app, IPEndPoint endPoint)
    {
        _app = app;
        EndPoint = endPoint;
    }

    /// <summary>The bound address, with the real port when 0 was asked.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// Starts the gateway. <paramref name="resolveTimeout"/> bounds the wait for the first block of a path nobody
    /// sends (404 after it), so a request for content that does not exist does not hang for the exchange's timeout.
    /// </summary>
    public static async Task<GatewayServer> StartAsync(IPEndPoint bind, DaemonNode daemon, TimeSpan resolveTimeout, ILoggerFactory loggers, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(bind);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        var handler = new GatewayHandler(daemon, resolveTimeout, loggers.CreateLogger<GatewayHandler>());
        app.MapMethods("/ipfs/{**path}", [HttpMethods.Get, HttpMethods.Head], handler.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayServer(app, new IPEndPoint(bind.Address, new Uri(address).Port));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
