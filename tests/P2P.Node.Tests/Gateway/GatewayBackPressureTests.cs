using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using P2P.Node.Content.Exporting;
using P2P.Node.Hosting.Gateway;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Gateway;

/// <summary>
/// Issue 11, item 5: a gateway client that does not read must cost a bounded number of block reads, one that
/// leaves must stop the reading, and connections beyond the cap are closed. The file is local to the daemon, so
/// every read completes at once and the counts are exact at the moment the response write stalls.
/// </summary>
public sealed class GatewayBackPressureTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    /// <summary>128 leaves of 256 KiB under one root: far more than any window.</summary>
    private const int FileLength = 32 * 1024 * 1024;

    private const int Leaves = FileLength / (256 * 1024);

    private TestDaemon Daemon => fixture.Seed;

    [Fact]
    public async Task Get_ClientTakesOneBlockThenStalls_ReadsAtMostTheWindow()
    {
        var cid = await Daemon.AddAsync(TestDaemon.RandomBytes(FileLength, seed: 50));
        var reads = new CountingReads();
        Daemon.Node.FetchReads = reads.Wrap;
        using var aborted = new CancellationTokenSource();
        var body = new StallingBody(accept: 256 * 1024);
        var context = Request(cid.ToString(), body, aborted.Token);
        var handler = new GatewayHandler(Daemon.Node, TimeSpan.FromSeconds(30), NullLogger.Instance);

        var handling = handler.HandleAsync(context);
        await body.Stalled.WaitAsync(TimeSpan.FromMinutes(1));
        var atStall = reads.Reads;
        await aborted.CancelAsync();
        body.Release();
        await Swallow(handling);

        // stat (1) + content sniffing (root, first leaf) + the read's root, the leaf written, the leaf being
        // written and at most the initial window beyond it. The old exporter had read 64 leaves ahead by now.
        Assert.True(atStall <= 3 + 3 + FileReader.InitialWindow, $"{atStall} blocks read while the client had taken one");
    }

    [Fact]
    public async Task Get_ClientGoes_ReadingStops()
    {
        var cid = await Daemon.AddAsync(TestDaemon.RandomBytes(FileLength, seed: 51));
        var reads = new CountingReads();
        Daemon.Node.FetchReads = reads.Wrap;
        using var aborted = new CancellationTokenSource();
        var body = new StallingBody(accept: 256 * 1024);
        var context = Request(cid.ToString(), body, aborted.Token);
        var handler = new GatewayHandler(Daemon.Node, TimeSpan.FromSeconds(30), NullLogger.Instance);

        var handling = handler.HandleAsync(context);
        await body.Stalled.WaitAsync(TimeSpan.FromMinutes(1));
        var atStall = reads.Reads;
        // As Kestrel does once the client is gone: RequestAborted fires, and the stalled write and every later
        // one complete without sending anything.
        await aborted.CancelAsync();
        body.Release();
        await Swallow(handling);
        await reads.Ended.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(atStall, reads.Reads);
        Assert.True(body.Accepted < FileLength / 4, $"{body.Accepted} bytes were written for a client that had gone");
    }

    [Fact]
    public async Task Get_ClientResetsTheConnection_ReadingStops()
    {
        var cid = await Daemon.AddAsync(TestDaemon.RandomBytes(FileLength, seed: 52));
        var reads = new CountingReads();
        Daemon.Node.FetchReads = reads.Wrap;
        var endPoint = Daemon.Node.Gateway!.EndPoint;

        var status = await HangUpClient.ReadHeadersThenResetAsync(endPoint, $"GET /ipfs/{cid} HTTP/1.1\r\nHost: 127.0.0.1:{endPoint.Port}\r\n\r\n");
        await reads.Ended.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("HTTP/1.1 200 OK", status);
        // What the kernel's socket buffers took (a few MiB at most) plus the window: not the file.
        Assert.True(reads.Reads < Leaves / 2, $"{reads.Reads} of {Leaves + 1} blocks read for a client that read only the headers");
    }

    [Fact]
    public async Task Connections_BeyondTheCap_AreClosed()
    {
        await using var daemon = await TestDaemon.StartAsync(path =>
        {
            var file = Path.Join(path, Repo.ConfigFileName);
            var config = RepoConfig.Load(file);
            config.Limits.MaxHttpConnections = 2;
            config.Save(file);
        });
        var cid = await daemon.AddAsync(TestDaemon.RandomBytes(1000, seed: 53));
        var endPoint = daemon.Node.Gateway!.EndPoint;
        var request = Encoding.ASCII.GetBytes($"GET /ipfs/{cid} HTTP/1.1\r\nHost: 127.0.0.1:{endPoint.Port}\r\n\r\n");

        using var first = await KeepAliveAsync(endPoint, request);
        using var second = await KeepAliveAsync(endPoint, request);
        using var third = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await third.ConnectAsync(endPoint);
        var refused = false;
        try
        {
            await third.SendAsync(request, SocketFlags.None);
            refused = await third.ReceiveAsync(new byte[4096], SocketFlags.None) == 0;
        }
        catch (SocketException)
        {
            refused = true;
        }

        Assert.True(refused, "a third connection was served with the cap at two");
        Assert.StartsWith("HTTP/1.1 200 OK", await ExchangeAsync(first, request));
    }

    private static async Task<Socket> KeepAliveAsync(IPEndPoint endPoint, byte[] request)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        Assert.StartsWith("HTTP/1.1 200 OK", await ExchangeAsync(socket, request));
        return socket;
    }

    /// <summary>One request on a kept-alive connection; the whole response of the small file is read.</summary>
    private static async Task<string> ExchangeAsync(Socket socket, byte[] request)
    {
        await socket.SendAsync(request, SocketFlags.None);
        var text = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0)
                break;
            text.Append(Encoding.Latin1.GetString(buffer, 0, n));
            var all = text.ToString();
            var end = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0 && all.Length - end - 4 >= 1000)
                break;
        }
        return text.ToString();
    }

    private static DefaultHttpContext Request(string path, Stream body, CancellationToken aborted)
    {
        var context = new DefaultHttpContext { RequestAborted = aborted };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/ipfs/" + path;
        context.Request.RouteValues["path"] = path;
        context.Response.Body = body;
        return context;
    }

    /// <summary>The handler ends in OperationCanceledException when its client has gone, as Kestrel expects.</summary>
    private static async Task Swallow(Task handling)
    {
        try
        {
            await handling.WaitAsync(TimeSpan.FromMinutes(1));
        }
        catch (OperationCanceledException)
        {
        }
    }
}
