using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using P2P.Node.Hosting.Api;
using P2P.Node.Tests.Gateway;

namespace P2P.Node.Tests.Api;

/// <summary>
/// Issue 11, item 5, for the API's streaming answers: a client that reads the response headers and then resets
/// the connection must stop the reading. Before, Kestrel discarded the writes of a gone client and the endpoint
/// read the whole file (or DAG) for nobody. The file is local to the daemon, so reads complete at once.
/// </summary>
public sealed class ApiStreamingTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    /// <summary>128 leaves of 256 KiB under one root.</summary>
    private const int FileLength = 32 * 1024 * 1024;

    private const int Leaves = FileLength / (256 * 1024);

    private TestDaemon Daemon => fixture.Seed;

    [Fact]
    public void Api_QueuesABlockPerConnection()
    {
        var options = Daemon.Node.Api!.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;

        // A default block per write and per queue: with Kestrel's 64 KiB, every 64 KiB of a local cat was two thread hand-offs.
        Assert.Equal(256 * 1024, ApiServer.ResponseBufferSize);
        Assert.Equal(ApiServer.ResponseBufferSize, options.MaxWriteBufferSize);
    }

    [Theory]
    [InlineData("cat", 60)]
    [InlineData("get", 61)]
    [InlineData("dag/export", 62)]
    public async Task Stream_ClientResetsTheConnection_ReadingStops(string command, int seed)
    {
        var cid = await Daemon.AddAsync(TestDaemon.RandomBytes(FileLength, seed));
        var reads = new CountingReads();
        Daemon.Node.FetchReads = reads.Wrap;
        var endPoint = Daemon.Node.Api!.EndPoint;

        var status = await HangUpClient.ReadHeadersThenResetAsync(endPoint,
            $"POST /api/v0/{command}?arg={cid} HTTP/1.1\r\nHost: 127.0.0.1:{endPoint.Port}\r\nContent-Length: 0\r\n\r\n");
        await reads.Ended.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal("HTTP/1.1 200 OK", status);
        // What the kernel's socket buffers took (a few MiB at most) plus the window: not the file.
        Assert.True(reads.Reads < Leaves / 2, $"{command}: {reads.Reads} of {Leaves + 1} blocks read for a client that read only the headers");
    }
}
