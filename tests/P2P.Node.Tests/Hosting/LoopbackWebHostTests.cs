using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using P2P.Node.Hosting.Http;

namespace P2P.Node.Tests.Hosting;

/// <summary>How the daemon's Kestrel hosts are set up: large receive blocks, and nothing read or watched in the working directory.</summary>
public sealed class LoopbackWebHostTests
{
    /// <summary>Under Kestrel's request buffer limit (1 MiB), so the whole body can sit in the pipe at once.</summary>
    private const int BodySize = 512 * 1024;

    [Fact]
    public async Task StartAsync_RequestBody_ArrivesInBlocksLargerThanKestrelsOwn()
    {
        var largest = 0L;
        var segments = 0;
        await using var host = await LoopbackWebHost.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, null,
            app => app.MapPost("/body", async (HttpRequest request) =>
            {
                // Leave everything unconsumed until the whole body is in, then look at the pieces it came in.
                while (true)
                {
                    var result = await request.BodyReader.ReadAsync();
                    if (result.IsCompleted || result.Buffer.Length >= BodySize)
                    {
                        var length = result.Buffer.Length;
                        foreach (var segment in result.Buffer)
                        {
                            largest = Math.Max(largest, segment.Length);
                            segments++;
                        }
                        request.BodyReader.AdvanceTo(result.Buffer.End);
                        return Results.Text(length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                    request.BodyReader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                }
            }), CancellationToken.None);
        using var http = new HttpClient();
        var body = new byte[BodySize];
        new Random(15).NextBytes(body);
        using var response = await http.PostAsync($"http://{host.EndPoint}/body", new ByteArrayContent(body));
        Assert.Equal(BodySize.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
        // Kestrel's own pool caps every piece at 4 KiB (128 of them here); each block is filled until under 2 KiB is left.
        Assert.True(largest > 4096, $"largest piece {largest} bytes");
        Assert.True(segments <= BodySize / (LargeBlockMemoryPool.BlockSize / 2) + 2, $"{segments} pieces");
        Assert.IsType<LargeBlockPoolFactory>(host.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256 * 1024)]
    public async Task StartAsync_ResponseBuffer_IsTheSocketTransportsWriteLimit(int asked)
    {
        var expected = asked == 0 ? LoopbackWebHost.ResponseBufferSize : asked;
        await using var host = asked == 0
            ? await LoopbackWebHost.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, null, _ => { }, CancellationToken.None)
            : await LoopbackWebHost.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, null, _ => { },
                CancellationToken.None, asked);
        // The transport's limit is the one an HTTP/1.1 response waits on; Kestrel's own says the same for the others.
        Assert.Equal(expected, host.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.MaxWriteBufferSize);
        Assert.Equal(expected, host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxResponseBufferSize);
    }

    [Fact]
    public async Task StartAsync_ContentRootIsTheProgramsFolderAndNothingIsReloaded()
    {
        await using var host = await LoopbackWebHost.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), NullLoggerFactory.Instance, null,
            _ => { }, CancellationToken.None);
        Assert.Equal(AppContext.BaseDirectory, host.Services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        var root = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        var json = root.Providers.OfType<JsonConfigurationProvider>().ToList();
        Assert.NotEmpty(json);
        Assert.All(json, p => Assert.False(p.Source.ReloadOnChange, p.Source.Path));
    }
}
