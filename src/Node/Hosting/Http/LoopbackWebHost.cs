using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace P2P.Node.Hosting.Http;

/// <summary>
/// The Kestrel start-up shared by the daemon's HTTP services (the API and the gateway): a slim web application on
/// one address (loopback unless the caller checked otherwise), no Server header, the daemon's logger factory, and
/// the port Kestrel really bound when 0 was asked, so the caller can write it where the CLI finds it. Connections
/// are capped (<see cref="DefaultMaxConnections"/>) and so is what each may buffer for a client that does not read.
/// </summary>
public sealed class LoopbackWebHost : IAsyncDisposable
{
    /// <summary>Connections served at once unless the caller says otherwise; Kestrel closes any beyond it at accept.</summary>
    public const int DefaultMaxConnections = 256;

    /// <summary>
    /// Response bytes Kestrel buffers per connection before a write waits for the client (its default, stated so a
    /// client that does not read costs this much and no more; <see cref="ResponseBodyStream"/> writes in slices).
    /// A host may ask for more (<c>responseBufferSize</c>): the API does, for its streamed answers.
    /// </summary>
    public const int ResponseBufferSize = 64 * 1024;
    private readonly WebApplication _app;

    private LoopbackWebHost(WebApplication app, IPEndPoint endPoint)
    {
        _app = app;
        EndPoint = endPoint;
    }

    /// <summary>The bound address, with the real port when 0 was asked.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The application's services, for tests of how the host was set up.</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>
    /// Builds the application, lets <paramref name="kestrel"/> adjust server limits and <paramref name="map"/> add
    /// middleware and routes, then starts listening on <paramref name="bind"/>. A bind failure (address taken)
    /// surfaces as the <see cref="IOException"/> Kestrel throws, after the half-built application is disposed.
    /// <paramref name="responseBufferSize"/> is what one connection may queue for its client before a write waits;
    /// <paramref name="transport"/> adjusts the socket transport after that.
    /// </summary>
    public static async Task<LoopbackWebHost> StartAsync(IPEndPoint bind, ILoggerFactory loggers,
        Action<KestrelServerOptions>? kestrel, Action<WebApplication> map, CancellationToken ct,
        int responseBufferSize = ResponseBufferSize, Action<SocketTransportOptions>? transport = null)
    {
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentOutOfRangeException.ThrowIfLessThan(responseBufferSize, 1);
        var builder = WebApplication.CreateSlimBuilder(Options());
        builder.Services.AddSingleton(loggers);
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = StopGrace);
        // Registered after Kestrel's own factory, so the socket transport receives into 64 KiB blocks, not 4 KiB.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockPoolFactory>();
        // An HTTP/1.1 response waits on the socket transport's output pipe, whose pause threshold is the transport's
        // MaxWriteBufferSize, not MaxResponseBufferSize: with the latter at 64 KiB, raising the former alone took a
        // 1 GiB cat from 16,390 sendmsg to 2,800 (`strace -c`). Output side only: the request side's limits are untouched.
        builder.Services.Configure<SocketTransportOptions>(o =>
        {
            o.MaxWriteBufferSize = responseBufferSize;
            transport?.Invoke(o);
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(bind);
            k.AddServerHeader = false;
            // Kestrel's default is no cap at all: every connection costs buffers and a request's worth of state.
            k.Limits.MaxConcurrentConnections = DefaultMaxConnections;
            k.Limits.MaxResponseBufferSize = responseBufferSize;
            kestrel?.Invoke(k);
        });
        var app = builder.Build();
        try
        {
            map(app);
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException($"Kestrel started on {bind} but reported no address");
            return new LoopbackWebHost(app, new IPEndPoint(bind.Address, new Uri(address).Port));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The builder's defaults would read appsettings.json from the working directory and watch that directory, and
    /// every folder below it, for changes: one recursive inotify watcher per host (two per daemon), which stayed open
    /// after the host was disposed. A daemon started in the home directory watched the whole tree, repo included,
    /// and both woke on every pack write of an add (`strace -c` of one 256 MiB add: 2,051 `read`, 2,055 `lstat` and
    /// 2,046 `geteuid` for 1,034 `pwrite64`).
    /// The daemon takes no configuration from there, so the content root is the program's own folder and nothing is
    /// reloaded.
    /// </summary>
    internal static WebApplicationOptions Options() => new()
    {
        Args = ["--hostBuilder:reloadConfigOnChange=false"],
        ContentRootPath = AppContext.BaseDirectory,
    };

    /// <summary>
    /// How long a stop waits for requests still running (a long `get`, a lookup) before Kestrel cuts their
    /// connections, which cancels their RequestAborted tokens. Kestrel's own wait is 30 s; a daemon told to stop
    /// by SIGTERM should be gone in a few seconds and release the repo.
    /// </summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(2);

    public async ValueTask DisposeAsync()
    {
        using (var grace = new CancellationTokenSource(StopGrace))
            await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }
}
