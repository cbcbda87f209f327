using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;
using P2P.Node.Storage;
using P2P.Node.Tests.Hosting;

namespace P2P.Node.Tests.Gateway;

/// <summary>A daemon in this process on a temp repo, its API and gateway on free loopback ports, with HTTP clients for both.</summary>
public sealed class TestDaemon : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private TestDaemon(TempFolder folder, Daemon node)
    {
        _folder = folder;
        Node = node;
        Api = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://{node.Api!.EndPoint}/") };
        Gateway = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://{node.Gateway!.EndPoint}/") };
    }

    public Daemon Node { get; }

    public HttpClient Api { get; }

    public HttpClient Gateway { get; }

    public string RepoPath => _folder.Path;

    /// <summary>Starts a daemon; <paramref name="prepare"/> may write files into the repo before it starts (a token).</summary>
    public static async Task<TestDaemon> StartAsync(Action<string>? prepare = null)
    {
        var folder = new TempFolder();
        var config = new RepoConfig
        {
            Listen = "/ip4/127.0.0.1/udp/0",
            GatewayTimeout = TimeSpan.FromSeconds(2),
        };
        Repo.Init(folder.Path, config).Dispose();
        prepare?.Invoke(folder.Path);
        var node = await Daemon.StartAsync(new DaemonOptions { RepoPath = folder.Path, Api = "127.0.0.1:0", Gateway = "127.0.0.1:0" },
            NullLoggerFactory.Instance, CancellationToken.None);
        return new TestDaemon(folder, node);
    }

    /// <summary>Adds bytes through the API (kubo's raw-body add) and returns the root CID.</summary>
    public async Task<Cid> AddAsync(byte[] data)
    {
        using var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Api.PostAsync("api/v0/add", content);
        response.EnsureSuccessStatusCode();
        var line = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return Cid.Parse(line.RootElement.GetProperty("Hash").GetString()!);
    }

    /// <summary>Connects this daemon to <paramref name="other"/> through the API's swarm/connect.</summary>
    public async Task ConnectAsync(TestDaemon other)
    {
        using var response = await Api.PostAsync($"api/v0/swarm/connect?arg={Uri.EscapeDataString(other.Node.Host.Address.ToString())}", null);
        response.EnsureSuccessStatusCode();
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        Gateway.Dispose();
        await Node.DisposeAsync();
        _folder.Dispose();
    }
}
