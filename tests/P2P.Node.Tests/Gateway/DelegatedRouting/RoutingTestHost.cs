using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2P.Node.Hosting.Gateway.DelegatedRouting;
using P2P.Node.Hosting.Http;

namespace P2P.Node.Tests.Gateway.DelegatedRouting;

/// <summary>The delegated routing endpoints alone on a loopback Kestrel, over a <see cref="ScriptedRouter"/> and a fake clock.</summary>
internal sealed class RoutingTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly LoopbackWebHost _host;

    private RoutingTestHost(LoopbackWebHost host, FakeTimeProvider time)
    {
        _host = host;
        Time = time;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://{host.EndPoint}/") };
    }

    public FakeTimeProvider Time { get; }

    public HttpClient Client { get; }

    public static async Task<RoutingTestHost> StartAsync(IDelegatedRouter router, DelegatedRoutingOptions? options = null)
    {
        var time = new FakeTimeProvider(Start);
        var endpoints = new DelegatedRoutingEndpoints(router, options ?? new DelegatedRoutingOptions(), time, NullLogger.Instance);
        var host = await LoopbackWebHost.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, null, endpoints.Map, CancellationToken.None);
        return new RoutingTestHost(host, time);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
    }
}
